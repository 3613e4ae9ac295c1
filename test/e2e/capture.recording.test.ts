import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AudioFrame } from '../../src/capture/audioTap.js';
import { Recorder, type RecordingGap } from '../../src/capture/recorder.js';
import { liveProcesses } from '../../src/process/supervisor.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/capture/server.js';
import { decodeAudio, meanToneAmplitude, pcmFromS16, slicePcm, spectralPeaks, toneCoverage, toneEnergy } from '../../fixtures/media/audio.js';
import { FFMPEG, recordingSpec, startMediaBot, testLogger, type MediaBot } from '../helpers/mediaBot.js';
import { probeMedia } from '../../src/capture/probe.js';
import { frameDifferences } from '../../fixtures/media/video.js';

// One bot on the tone page (440 Hz, moving canvas) at 1280x720@30, recorded for real.
const HZ = 440;
let server: FixtureServer;
let bot: MediaBot;

beforeAll(async () => {
  server = await startFixtureServer();
  bot = await startMediaBot({ name: 'rec', recording: recordingSpec(), url: server.url({ hz: HZ }) });
});

afterAll(async () => {
  await bot?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The top-level boxes of an MP4, in order (to check that the moov comes first). */
async function topLevelBoxes(file: string): Promise<string[]> {
  const fh = await open(file, 'r');
  try {
    const boxes: string[] = [];
    const { size } = await fh.stat();
    const header = Buffer.alloc(16);
    for (let at = 0; at + 8 <= size && boxes.length < 10; ) {
      await fh.read(header, 0, 16, at);
      let len = header.readUInt32BE(0);
      boxes.push(header.toString('latin1', 4, 8));
      if (len === 1) len = Number(header.readBigUInt64BE(8));
      if (len < 8) break;
      at += len;
    }
    return boxes;
  } finally {
    await fh.close();
  }
}

test('the page fills the whole screen: viewport = recording size, no browser UI, no automation flag', async () => {
  const view = await bot.browser.page.evaluate(() => [innerWidth, innerHeight, outerWidth, outerHeight, navigator.webdriver]);
  expect(view).toEqual([1280, 720, 1280, 720, false]);
  expect(await bot.browser.page.evaluate(() => navigator.userAgent)).toMatch(/\(X11; Linux x86_64\).* Chrome\/\d+/);
});

describe('a 10 s recording of the tone page', () => {
  let result: Awaited<ReturnType<Recorder['stop']>>;
  let wallSec: number;
  const frames: AudioFrame[] = [];

  beforeAll(async () => {
    bot.recorder.audio.on('frame', (f) => frames.push(f));
    const began = performance.now();
    await bot.recorder.start();
    await sleep(10_000);
    result = await bot.recorder.stop();
    wallSec = (performance.now() - began) / 1000;
  });

  test('is one faststart MP4 of about 10 s with H.264 720p30 and AAC 48 kHz stereo', async () => {
    expect(result.file).toBe(join(bot.outDir, 'recording.mp4'));
    expect(await readdir(bot.outDir)).toEqual(['recording.mp4']);
    // At least the 10 s between start() and stop(); at most the time from launching ffmpeg to its exit.
    expect(result.durationSec).toBeGreaterThanOrEqual(9.8);
    expect(result.durationSec).toBeLessThanOrEqual(wallSec + 0.5);
    expect(result.video).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    // Frames keep their grab times: a starved machine (parallel test runs) grabs fewer than 30 a second.
    expect(result.video!.fps).toBeGreaterThan(24);
    expect(result.video!.fps).toBeLessThan(31);
    expect(result.audio).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2, startSec: expect.any(Number) });
    expect(result.gaps).toEqual([]);
    expect(result.segments).toBe(1);
    const probed = await probeMedia(result.file!);
    expect(probed.streamTypes).toEqual(['video', 'audio']);
    expect(result.sizeBytes).toBe(probed.sizeBytes);
    const boxes = await topLevelBoxes(result.file!);
    expect(boxes.indexOf('moov')).toBeGreaterThan(-1);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
  });

  test('its audio is the page tone, from start to end', async () => {
    const pcm = await decodeAudio(result.file!, { sampleRate: 16_000 });
    expect(pcm.samples.length / 16_000).toBeGreaterThan(result.durationSec - 1);
    const [top] = spectralPeaks(pcm);
    expect(Math.abs(top!.hz - HZ)).toBeLessThan(8);
    // The page plays a steady 0.3-amplitude tone; a few 100-200 ms underruns are tolerated on a loaded machine.
    const coverage = toneCoverage(pcm, HZ);
    console.info(`tone in ${(coverage * 100).toFixed(0)} % of the file's 100 ms windows`);
    expect(coverage).toBeGreaterThan(0.75);
    const seconds = pcm.samples.length / 16_000;
    for (const [from, to] of [[0.5, 3], [3, 6], [seconds - 3, seconds - 0.2]] as const) {
      const part = slicePcm(pcm, from, to);
      expect(meanToneAmplitude(part, HZ)).toBeGreaterThan(0.15);
      expect(meanToneAmplitude(part, 1000)).toBeLessThan(0.01);
    }
  });

  test('its picture moves', async () => {
    const diffs = await frameDifferences(result.file!, { fps: 2 });
    expect(diffs.length).toBeGreaterThanOrEqual(18);
    const moving = diffs.filter((d) => d > 1).length;
    expect(moving / diffs.length).toBeGreaterThan(0.8);
  });

  test("the audio tap's frames are the tone too: 20 ms of 16 kHz mono each, continuous", () => {
    expect(frames.length).toBeGreaterThan(450);
    expect(frames.every((f) => f.pcm.length === 640)).toBe(true);
    frames.slice(1).forEach((f, i) => expect(f.relativeMs - frames[i]!.relativeMs).toBe(20));
    const pcm = pcmFromS16(Buffer.concat(frames.map((f) => f.pcm)), 16_000);
    const [top] = spectralPeaks(pcm);
    expect(Math.abs(top!.hz - HZ)).toBeLessThan(8);
    const coverage = toneCoverage(pcm, HZ);
    console.info(`tone in ${(coverage * 100).toFixed(0)} % of the tap's 100 ms windows`);
    expect(coverage).toBeGreaterThan(0.75);
    // Levels: a 0.3-amplitude sine has an RMS of 0.21 (frames during an underrun are silent).
    const rmsSorted = frames.map((f) => f.level.rms).sort((a, b) => a - b);
    expect(rmsSorted[rmsSorted.length >> 1]).toBeGreaterThan(0.18);
    expect(rmsSorted.at(-1)).toBeLessThan(0.25);
    expect(frames.map((f) => f.level.peak).sort((a, b) => a - b)[frames.length >> 1]).toBeGreaterThan(0.25);
    const wall = frames.at(-1)!.capturedAt.getTime() - frames[0]!.capturedAt.getTime();
    expect(Math.abs(wall - (frames.at(-1)!.relativeMs - frames[0]!.relativeMs))).toBeLessThanOrEqual(1);
  });
});

describe('ffmpeg killed mid-recording', () => {
  test('the recorder restarts it into a new segment, reports the gap and still leaves one complete file', async () => {
    const outDir = join(bot.workDir, 'out-kill');
    const recorder = new Recorder({ recording: recordingSpec(), media: bot.media, outDir, ffmpegPath: FFMPEG, log: testLogger('kill') });
    const gaps: RecordingGap[] = [];
    const segments: { file: string | null; index: number }[] = [];
    recorder.on('gap', (g: RecordingGap) => gaps.push(g));
    recorder.on('segment', (s: { file: string | null; index: number }) => segments.push(s));
    const began = performance.now();
    await recorder.start();
    await sleep(3000);
    const ffmpeg = liveProcesses().filter((p) => p.name === 'ffmpeg');
    expect(ffmpeg).toHaveLength(1);
    process.kill(ffmpeg[0]!.pid!, 'SIGKILL');
    const killedAt = Date.now();
    while (gaps.length === 0 && Date.now() - killedAt < 10_000) await sleep(100);
    expect(gaps).toHaveLength(1);
    await sleep(3000);
    const result = await recorder.stop();
    const wallSec = (performance.now() - began) / 1000;

    expect(segments.map((s) => s.index)).toEqual([0, 1]);
    expect(result.gaps).toEqual(gaps);
    expect(gaps[0]!.reason).toMatch(/crashed \(SIGKILL\)/);
    expect(gaps[0]!.durationMs).toBeGreaterThan(0);
    expect(gaps[0]!.durationMs).toBeLessThan(5000);
    expect(Math.abs(Date.parse(gaps[0]!.endedAt) - Date.parse(gaps[0]!.startedAt) - gaps[0]!.durationMs)).toBeLessThanOrEqual(1);
    expect(result.segments).toBe(2);
    expect(await readdir(outDir)).toEqual(['recording.mp4']);
    // ~3 s before the kill (less at most the last second in flight) and ~3 s after the restart; never more
    // than the wall time minus the gap.
    expect(result.durationSec).toBeGreaterThan(4.5);
    expect(result.durationSec).toBeLessThan(wallSec - gaps[0]!.durationMs / 1000 + 0.5);
    expect((await probeMedia(result.file!)).streamTypes).toEqual(['video', 'audio']);
    expect(await toneEnergy(result.file!, HZ, 0.5, 2.5)).toBeGreaterThan(0.15);
    expect(await toneEnergy(result.file!, HZ, result.durationSec - 2.5, result.durationSec - 0.3)).toBeGreaterThan(0.15);
  });

  test('crashes spread over a long recording each get a fresh restart budget; only consecutive failures count', async () => {
    const outDir = join(bot.workDir, 'out-spread');
    // One restart allowed, and a segment counts as healthy after 2 s: two crashes 3 s apart must not end it.
    const recorder = new Recorder({ recording: recordingSpec(), media: bot.media, outDir, ffmpegPath: FFMPEG, log: testLogger('spread'), restartLimit: 1, healthySegmentMs: 2000 });
    const gaps: RecordingGap[] = [];
    const errors: unknown[] = [];
    recorder.on('gap', (g: RecordingGap) => gaps.push(g));
    recorder.on('error', (e: unknown) => errors.push(e));
    await recorder.start();
    for (let crash = 1; crash <= 2; crash++) {
      await sleep(3000);
      const [ffmpeg] = liveProcesses().filter((p) => p.name === 'ffmpeg');
      process.kill(ffmpeg!.pid!, 'SIGKILL');
      const killedAt = Date.now();
      while (gaps.length < crash && Date.now() - killedAt < 10_000) await sleep(100);
    }
    await sleep(1500);
    const result = await recorder.stop();
    expect(errors).toEqual([]);
    expect(gaps).toHaveLength(2);
    expect(result.segments).toBe(3);
    expect(await readdir(outDir)).toEqual(['recording.mp4']);
  });
});
