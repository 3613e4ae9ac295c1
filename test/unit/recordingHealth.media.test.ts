import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAME_MS, levelOf } from '../../src/capture/audioTap.js';
import { freezeGraph } from '../../src/capture/ffmpegArgs.js';
import { SegmentFreezes } from '../../src/capture/freezeLog.js';
import { probeMedia } from '../../src/capture/probe.js';
import { assessRecording, type HealthAssessment } from '../../src/outputs/recordingHealth.js';
import { SilenceMeter } from '../../src/session/silenceMeter.js';
import { execMedia } from '../../fixtures/media/exec.js';

// The health analysis over real media: files made with ffmpeg's lavfi sources the way the recorder makes them
// (one ffmpeg writes the file while freezedetect watches a 64x36 copy of the picture), then the real parts: the
// freeze log parser, ffprobe's header, the silence meter fed with the file's own audio in 20 ms frames.

const dir = mkdtempSync(join(tmpdir(), 'meetbot-health-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FPS = 15;
const MOVING = `testsrc=size=320x180:rate=${FPS}`;
const STILL = `color=c=0x2980b9:size=320x180:rate=${FPS}`;
const TONE = 'sine=frequency=440:sample_rate=48000';
const SILENCE = 'anullsrc=r=48000:cl=mono';

/** Records `seconds` of a picture and a sound into an MP4, as the recorder does; returns the file and ffmpeg's log. */
async function record(name: string, picture: string, sound: string, seconds: number): Promise<{ file: string; log: string[] }> {
  const file = join(dir, `${name}.mp4`);
  const { stderr } = await execMedia('ffmpeg', [
    '-hide_banner', '-loglevel', 'level+info', '-nostats', '-y',
    '-f', 'lavfi', '-i', `${picture},trim=duration=${seconds}`,
    '-f', 'lavfi', '-i', `${sound},atrim=duration=${seconds}`,
    '-filter_complex', freezeGraph(0),
    '-map', '0:v', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-map', '1:a', '-c:a', 'aac',
    file,
  ]);
  return { file, log: stderr.split('\n') };
}

/** The analysis a bot runs, over a file it recorded during `wallClockSec` while someone spoke throughout. */
async function analyse(rec: { file: string; log: string[] }, wallClockSec: number): Promise<HealthAssessment> {
  const freezes = new SegmentFreezes(0);
  for (const line of rec.log) freezes.see(line);
  const info = await probeMedia(rec.file);
  const { stdout: pcm } = await execMedia('ffmpeg', ['-v', 'error', '-i', rec.file, '-map', '0:a', '-ac', '1', '-ar', '16000', '-f', 's16le', 'pipe:1']);
  const meter = new SilenceMeter();
  const frameBytes = FRAME_MS * 32;
  for (let at = 0; at + frameBytes <= pcm.length; at += frameBytes) meter.add((at / frameBytes) * FRAME_MS, FRAME_MS, levelOf(pcm.subarray(at, at + frameBytes)).peak);
  const speech = [{ startMs: 0, endMs: wallClockSec * 1000 }];
  return assessRecording({
    withVideo: true,
    file: {
      durationSec: info.durationSec,
      video: info.video ? { frames: info.video.frames, startSec: info.video.startSec } : null,
      audio: info.audio ? { startSec: info.audio.startSec } : null,
    },
    fps: FPS,
    wallClockSec,
    gaps: [],
    silence: meter.summary(speech, { startMs: 0, endMs: wallClockSec * 1000 }),
    freezes: freezes.close(info.durationSec * 1000).map((f) => ({ start_sec: f.startMs / 1000, end_sec: f.endMs / 1000 })),
    motion: null,
  });
}

describe('recording health over real media', () => {
  it('a moving picture with a tone: healthy, no freeze, no frame dropped, sound and picture start together', async () => {
    const { health, verdict } = await analyse(await record('healthy', MOVING, TONE, 22), 22);
    expect(verdict).toBeNull();
    expect(health.audio.silence_share).toBeLessThan(0.05);
    expect(health.audio.silent_while_speaking_sec).toBeLessThan(1);
    expect(health.video).toMatchObject({ longest_freeze_sec: 0, freezes: [], frames_dropped: 0 });
    expect(Math.abs(health.video!.av_offset_ms!)).toBeLessThan(50);
  });

  it('silence while someone speaks: recording_silent', async () => {
    const { health, verdict } = await analyse(await record('silent', MOVING, SILENCE, 12), 12);
    expect(verdict?.sub_code).toBe('recording_silent');
    expect(health.audio.silence_share).toBe(1);
    expect(health.audio.silent_while_speaking_sec).toBeGreaterThan(11);
  });

  it('a still picture for the whole recording: recording_frozen, the freeze from the start to the end', async () => {
    const { health, verdict } = await analyse(await record('still', STILL, TONE, 22), 22);
    expect(verdict?.sub_code).toBe('recording_frozen');
    expect(health.video!.freezes).toHaveLength(1);
    expect(health.video!.freezes[0]!.start_sec).toBeLessThan(0.5);
    expect(health.video!.longest_freeze_sec).toBeGreaterThan(21);
  });

  it('a file of a fraction of a second after 10 s of recording: recording_empty', async () => {
    const { health, verdict } = await analyse(await record('empty', MOVING, TONE, 0.4), 10);
    expect(verdict?.sub_code).toBe('recording_empty');
    expect(health.duration_sec).toBeLessThan(1);
  });
});
