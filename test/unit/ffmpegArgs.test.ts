import { describe, expect, it } from 'vitest';
import type { RecordingSpec } from '../../src/config/botSpec.js';
import {
  concatList,
  finalFileName,
  finalizeArgs,
  recordingArgs,
  segmentFileName,
  segmentIndexOf,
  TAP_BYTES_PER_MS,
  AUDIO_ADVANCE_MS,
} from '../../src/capture/ffmpegArgs.js';

const spec = (o: Partial<RecordingSpec> = {}): RecordingSpec => ({
  mode: 'video_and_audio',
  width: 1280,
  height: 720,
  fps: 30,
  layout: 'speaker_view',
  screenshare: 'overlap',
  audio_format: 'aac',
  ...o,
});
const inputs = { display: ':7', audioSource: 'meetbot_x.monitor', size: { width: 1280, height: 720 }, timeOriginMs: 1_700_000_000_123 };

/** The value following `flag` (first occurrence after `from`). */
function valueOf(args: string[], flag: string, from = 0): string | undefined {
  const i = args.indexOf(flag, from);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Arguments between the n-th `-i` group start and its `-i <input>` (input options of that input). */
function inputOptions(args: string[], input: string): string[] {
  const i = args.indexOf(input);
  const prev = args.lastIndexOf('-i', i - 2);
  return args.slice(prev < 0 ? 0 : prev + 2, i - 1);
}

describe('recordingArgs: video_and_audio', () => {
  const args = recordingArgs(spec(), inputs, { file: '/out/recording.part000.mp4' });

  it('grabs this bot display at the recording size and rate, without the pointer', () => {
    const opts = inputOptions(args, ':7+0,0');
    expect(valueOf(opts, '-f')).toBe('x11grab');
    expect(valueOf(opts, '-video_size')).toBe('1280x720');
    expect(valueOf(opts, '-framerate')).toBe('30');
    expect(valueOf(opts, '-draw_mouse')).toBe('0');
  });

  it('captures the sink monitor once, through pulse, at 48 kHz stereo', () => {
    const opts = inputOptions(args, 'meetbot_x.monitor');
    expect(valueOf(opts, '-f')).toBe('pulse');
    expect(valueOf(opts, '-sample_rate')).toBe('48000');
    expect(args.filter((a) => a === '-i')).toHaveLength(2);
  });

  it('keeps wall-clock timestamps on both inputs, moved by one common origin (audio advanced for sync)', () => {
    expect(args).toContain('-copyts');
    const offsets = args.flatMap((a, i) => (a === '-itsoffset' ? [args[i + 1]] : []));
    expect(offsets).toEqual(['-1700000000.123', (-(1_700_000_000_123 + AUDIO_ADVANCE_MS) / 1000).toFixed(3)]);
    expect(AUDIO_ADVANCE_MS).toBeGreaterThanOrEqual(0);
    expect(AUDIO_ADVANCE_MS).toBeLessThan(100);
  });

  it('encodes H.264 ultrafast yuv420p with a keyframe every second, AAC audio', () => {
    expect(valueOf(args, '-c:v')).toBe('libx264');
    expect(valueOf(args, '-preset')).toBe('ultrafast');
    expect(valueOf(args, '-pix_fmt')).toBe('yuv420p');
    expect(valueOf(args, '-g')).toBe('30');
    expect(valueOf(args, '-c:a')).toBe('aac');
    expect(valueOf(args, '-fps_mode')).toBe('passthrough');
  });

  it('writes a fragmented MP4 flushed every fragment, never overwriting', () => {
    const movflags = valueOf(args, '-movflags')!;
    for (const f of ['frag_keyframe', 'empty_moov', 'delay_moov', 'default_base_moof']) expect(movflags).toContain(f);
    expect(Number(valueOf(args, '-frag_duration'))).toBeLessThanOrEqual(1_000_000);
    const fileAt = args.indexOf('/out/recording.part000.mp4');
    expect(args.slice(0, fileAt)).toContain('-flush_packets');
    expect(args).toContain('-n');
    expect(args).not.toContain('-y');
  });

  it('sends the tap as a second output: 16 kHz mono s16le on stdout, from the same capture', () => {
    expect(args.at(-1)).toBe('pipe:1');
    const tap = args.slice(args.indexOf('/out/recording.part000.mp4') + 1);
    expect(valueOf(tap, '-f')).toBe('s16le');
    expect(valueOf(tap, '-map')).toBe('[tap]');
    const graph = valueOf(args, '-filter_complex')!;
    expect(graph).toMatch(/^\[1:a\]aresample=async=1/);
    expect(graph).toContain('asplit=2[rec][tapin]');
    expect(graph).toContain('aresample=16000');
    expect(graph).toContain('channel_layouts=mono[tap]');
    expect(TAP_BYTES_PER_MS).toBe(32);
  });

  it('uses the spec size and rate', () => {
    const small = recordingArgs(spec({ width: 640, height: 360, fps: 15 }), { ...inputs, size: { width: 640, height: 360 } }, { file: 'f.mp4' });
    expect(valueOf(small, '-video_size')).toBe('640x360');
    expect(valueOf(small, '-framerate')).toBe('15');
    expect(valueOf(small, '-g')).toBe('15');
  });
});

describe('recordingArgs: audio_only and none', () => {
  it('audio_only AAC: no video input, no video encoder, fragmented m4a', () => {
    const args = recordingArgs(spec({ mode: 'audio_only' }), inputs, { file: '/o/recording.part000.m4a' });
    expect(valueOf(args, '-itsoffset')).toBe('-1700000000.123');
    expect(args).not.toContain('x11grab');
    expect(args).not.toContain('-c:v');
    expect(args.join(' ')).not.toMatch(/libx264|0:v/);
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(valueOf(args, '-c:a')).toBe('aac');
    expect(valueOf(args, '-movflags')).toContain('frag_keyframe');
    expect(valueOf(args, '-filter_complex')).toMatch(/^\[0:a\]/);
  });

  it('audio_only mp3: libmp3lame into an mp3 file', () => {
    const args = recordingArgs(spec({ mode: 'audio_only', audio_format: 'mp3' }), inputs, { file: '/o/r.mp3' });
    expect(valueOf(args, '-c:a')).toBe('libmp3lame');
    expect(args[args.indexOf('/o/r.mp3') - 1]).toBe('mp3');
    expect(args).not.toContain('-movflags');
  });

  it('none: the tap is the only output', () => {
    const args = recordingArgs(spec({ mode: 'none' }), inputs, { file: null });
    expect(args.filter((a) => a === '-map')).toEqual(['-map']);
    expect(args.at(-1)).toBe('pipe:1');
    expect(args).not.toContain('-c:v');
    expect(valueOf(args, '-filter_complex')).not.toContain('asplit');
  });
});

describe('file names', () => {
  it('names segments and final files by mode and format', () => {
    expect(segmentFileName(spec(), 0)).toBe('recording.part000.mp4');
    expect(segmentFileName(spec({ mode: 'audio_only' }), 12)).toBe('recording.part012.m4a');
    expect(segmentFileName(spec({ mode: 'audio_only', audio_format: 'mp3' }), 1)).toBe('recording.part001.mp3');
    expect(segmentFileName(spec({ mode: 'none' }), 0)).toBeNull();
    expect(finalFileName(spec())).toBe('recording.mp4');
    expect(finalFileName(spec({ mode: 'audio_only' }))).toBe('recording.m4a');
    expect(finalFileName(spec({ mode: 'none' }))).toBeNull();
  });

  it('reads segment indexes back', () => {
    expect(segmentIndexOf('recording.part007.mp4')).toBe(7);
    expect(segmentIndexOf('recording.part1000.m4a')).toBe(1000);
    expect(segmentIndexOf('recording.mp4')).toBeNull();
    expect(segmentIndexOf('recording.part001.mp4.partial')).toBeNull();
  });
});

describe('finalizeArgs and concatList', () => {
  it('joins with the concat demuxer, copying streams, moov first', () => {
    const args = finalizeArgs('/o/list.txt', '/o/recording.mp4.partial', 'mp4');
    expect(valueOf(args, '-f')).toBe('concat');
    expect(valueOf(args, '-safe')).toBe('0');
    expect(valueOf(args, '-c')).toBe('copy');
    expect(valueOf(args, '-movflags')).toBe('+faststart');
    expect(args.at(-1)).toBe('/o/recording.mp4.partial');
    expect(args.at(-3)).toBe('mp4');
  });

  it('mp3 needs no faststart', () => {
    const args = finalizeArgs('/o/list.txt', '/o/recording.mp3.partial', 'mp3');
    expect(args).not.toContain('-movflags');
    expect(args.at(-3)).toBe('mp3');
  });

  it('quotes paths for the concat demuxer', () => {
    expect(concatList(['/a/b.mp4', "/it's/c.mp4"])).toBe("file '/a/b.mp4'\nfile '/it'\\''s/c.mp4'\n");
  });
});
