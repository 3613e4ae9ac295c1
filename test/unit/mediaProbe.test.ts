import { describe, expect, it } from 'vitest';
import { joinedFileIsComplete } from '../../src/capture/finalize.js';
import { parseProbe, parseRate, parseStreamsWithPackets, ffprobePathFor, type MediaInfo } from '../../src/capture/probe.js';

describe('parseProbe', () => {
  it('reads container, duration and the first video and audio stream', () => {
    const info = parseProbe(
      {
        format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.033000' },
        streams: [
          { codec_type: 'video', codec_name: 'h264', width: 1280, height: 720, avg_frame_rate: '17640000/587837', r_frame_rate: '90000/1', nb_frames: '301', start_time: '0.000000' },
          { codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2, start_time: '0.021333' },
        ],
      },
      1234,
    );
    expect(info).toEqual({
      formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
      durationSec: 10.033,
      sizeBytes: 1234,
      video: { codec: 'h264', width: 1280, height: 720, fps: 30.008, frames: 301, startSec: 0 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2, startSec: 0.021333 },
      streamTypes: ['video', 'audio'],
    });
  });

  it('handles audio-only files and missing fields', () => {
    const info = parseProbe({ streams: [{ codec_type: 'audio', codec_name: 'mp3', sample_rate: '48000', channels: 2 }] }, 0);
    expect(info.video).toBeNull();
    expect(info.audio?.startSec).toBe(0);
    expect(info.durationSec).toBe(0);
    expect(info.streamTypes).toEqual(['audio']);
  });

  it('parses rates', () => {
    expect(parseRate('30/1')).toBe(30);
    expect(parseRate('0/0')).toBe(0);
    expect(parseRate(undefined)).toBe(0);
    expect(parseRate('30000/1001')).toBe(29.97);
  });

  it('finds ffprobe next to ffmpeg', () => {
    expect(ffprobePathFor('/usr/bin/ffmpeg')).toBe('/usr/bin/ffprobe');
    expect(ffprobePathFor('ffmpeg')).toBe('ffprobe');
    expect(ffprobePathFor('/opt/ff/ffmpeg-6')).toBe('ffprobe');
  });
});

describe('joinedFileIsComplete', () => {
  const info = (durationSec: number, streamTypes = ['video', 'audio']): MediaInfo => ({
    formatName: 'mp4', durationSec, sizeBytes: 1, video: null, audio: null, streamTypes,
  });

  it('accepts a join holding all segments', () => {
    expect(joinedFileIsComplete([info(5), info(4.98)], info(9.95))).toBe(true);
  });

  it('rejects a join that lost a segment or a stream', () => {
    expect(joinedFileIsComplete([info(5), info(5)], info(5.1))).toBe(false);
    expect(joinedFileIsComplete([info(5)], info(5, ['video']))).toBe(false);
    expect(joinedFileIsComplete([info(0.3, ['video']), info(5)], info(5.3, ['video']))).toBe(false);
  });

  it('accepts a join with a stream that one segment lacked', () => {
    expect(joinedFileIsComplete([info(0.3, ['video']), info(5)], info(5.3))).toBe(true);
  });
});

describe('parseStreamsWithPackets', () => {
  it('keeps the streams with packets, in file order (a declared stream without any reads N/A)', () => {
    const json = { streams: [{ codec_type: 'video', nb_read_packets: '8' }, { codec_type: 'audio', nb_read_packets: 'N/A' }, { codec_type: 'audio', nb_read_packets: '0' }] };
    expect(parseStreamsWithPackets(json)).toEqual(['video']);
    expect(parseStreamsWithPackets({ streams: [{ codec_type: 'audio', nb_read_packets: '3' }, { codec_type: 'video', nb_read_packets: '1' }] })).toEqual(['audio', 'video']);
  });
});
