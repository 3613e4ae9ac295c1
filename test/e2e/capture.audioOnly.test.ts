import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AudioFrame } from '../../src/capture/audioTap.js';
import { probeMedia } from '../../src/capture/probe.js';
import { Recorder } from '../../src/capture/recorder.js';
import { liveProcesses, type SupervisedProcess } from '../../src/process/supervisor.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/capture/server.js';
import { decodeAudio, meanToneAmplitude, pcmFromS16, slicePcm } from '../../fixtures/media/audio.js';
import { FFMPEG, recordingSpec, startMediaBot, testLogger, type MediaBot } from '../helpers/mediaBot.js';

// Audio-only bots: headful Chromium on their own Xvfb like every bot, incoming video switched off, ffmpeg with no video at all.
const HZ = 600;
const recording = recordingSpec({ mode: 'audio_only' });
let server: FixtureServer;
let bot: MediaBot;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cmdline = async (p: SupervisedProcess) => (await readFile(`/proc/${p.pid}/cmdline`, 'utf8')).split('\0');

beforeAll(async () => {
  server = await startFixtureServer();
  bot = await startMediaBot({ name: 'audio', recording, url: server.url({ hz: HZ }), allowLoopback: true });
});

afterAll(async () => {
  await bot?.close();
  await server?.close();
});

test('headful on its own Xvfb (new headless would say HeadlessChrome), with a viewport of the recording size', async () => {
  expect(bot.media.display).toMatch(/^:\d+$/);
  expect(bot.media.env.DISPLAY).toBe(bot.media.display);
  expect(liveProcesses().filter((p) => p.name === 'xvfb')).toHaveLength(1);
  expect((await cmdline(bot.browser.process)).join(' ')).not.toContain('--headless');
  expect(await bot.browser.page.evaluate(() => navigator.userAgent)).not.toContain('Headless');
  expect(await bot.browser.page.evaluate(() => [innerWidth, innerHeight])).toEqual([1280, 720]);
});

test('AAC audio-only: an m4a with one AAC stream holding the tone, and no video encoder in ffmpeg', async () => {
  await bot.recorder.start();
  const [ffmpeg] = liveProcesses().filter((p) => p.name === 'ffmpeg');
  const args = await cmdline(ffmpeg!);
  expect(args.join(' ')).not.toMatch(/x11grab|libx264|-c:v|0:v/);
  expect(args).toContain('aac');
  await sleep(5000);
  const result = await bot.recorder.stop();
  expect(result.file).toBe(join(bot.outDir, 'recording.m4a'));
  expect(await readdir(bot.outDir)).toEqual(['recording.m4a']);
  expect(result.video).toBeNull();
  expect(result.audio).toEqual({ codec: 'aac', sampleRate: 48000, channels: 2, startSec: expect.any(Number) });
  expect((await probeMedia(result.file!)).streamTypes).toEqual(['audio']);
  expect(result.durationSec).toBeGreaterThan(4.8);
  const pcm = slicePcm(await decodeAudio(result.file!, { sampleRate: 16_000 }), 0.5);
  expect(meanToneAmplitude(pcm, HZ)).toBeGreaterThan(0.15);
});

test('mp3 audio-only: one mp3 stream holding the tone', async () => {
  const outDir = join(bot.workDir, 'out-mp3');
  const spec = recordingSpec({ mode: 'audio_only', audio_format: 'mp3' });
  const recorder = new Recorder({ recording: spec, media: bot.media, outDir, ffmpegPath: FFMPEG, log: testLogger('mp3') });
  await recorder.start();
  await sleep(4000);
  const result = await recorder.stop();
  expect(result.file).toBe(join(outDir, 'recording.mp3'));
  expect(await readdir(outDir)).toEqual(['recording.mp3']);
  expect(result.audio?.codec).toBe('mp3');
  expect(result.video).toBeNull();
  const pcm = slicePcm(await decodeAudio(result.file!, { sampleRate: 16_000 }), 0.5);
  expect(meanToneAmplitude(pcm, HZ)).toBeGreaterThan(0.15);
});

test('mode none: no file, but the tap still delivers the meeting audio', async () => {
  const outDir = join(bot.workDir, 'out-none');
  const recorder = new Recorder({ recording: recordingSpec({ mode: 'none' }), media: bot.media, outDir, ffmpegPath: FFMPEG, log: testLogger('none') });
  const frames: AudioFrame[] = [];
  recorder.audio.on('frame', (f) => frames.push(f));
  await recorder.start();
  await sleep(3000);
  const result = await recorder.stop();
  expect(result.file).toBeNull();
  expect(result.segments).toBe(0);
  expect(await readdir(outDir)).toEqual([]);
  expect(result.durationSec).toBeCloseTo(frames.length * 0.02, 5);
  expect(frames.length).toBeGreaterThan(120);
  const pcm = pcmFromS16(Buffer.concat(frames.map((f) => f.pcm)), 16_000);
  expect(meanToneAmplitude(slicePcm(pcm, 0.5), HZ)).toBeGreaterThan(0.15);
});

test('incoming video tracks are disabled as they arrive; audio tracks are left alone', async () => {
  const page = bot.browser.page;
  const tracks = await page.evaluate(async () => {
    // A remote peer inside the page: pc1 sends a canvas video and an oscillator, pc2 receives them.
    const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 64 });
    canvas.getContext('2d')!.fillRect(0, 0, 64, 64);
    const ac = new AudioContext();
    const dest = ac.createMediaStreamDestination();
    new OscillatorNode(ac).connect(dest);
    const send = new MediaStream([...canvas.captureStream(10).getVideoTracks(), ...dest.stream.getAudioTracks()]);
    const pc1 = new RTCPeerConnection();
    const pc2 = new RTCPeerConnection();
    const received: MediaStreamTrack[] = [];
    pc2.ontrack = (e) => received.push(e.track);
    pc1.onicecandidate = (e) => e.candidate && void pc2.addIceCandidate(e.candidate);
    pc2.onicecandidate = (e) => e.candidate && void pc1.addIceCandidate(e.candidate);
    for (const t of send.getTracks()) pc1.addTrack(t, send);
    await pc1.setLocalDescription();
    await pc2.setRemoteDescription(pc1.localDescription!);
    await pc2.setLocalDescription();
    await pc1.setRemoteDescription(pc2.localDescription!);
    await new Promise((r) => setTimeout(r, 200));
    const result = {
      wrapped: pc2 instanceof RTCPeerConnection && RTCPeerConnection.name === 'RTCPeerConnection',
      directions: pc2.getTransceivers().map((t) => t.direction),
      tracks: received.map((t) => ({ kind: t.kind, enabled: t.enabled })),
    };
    pc1.close();
    pc2.close();
    return result;
  });
  expect(tracks.wrapped).toBe(true);
  expect(tracks.directions).toEqual(['recvonly', 'recvonly']);
  expect(tracks.tracks).toEqual(
    expect.arrayContaining([
      { kind: 'video', enabled: false },
      { kind: 'audio', enabled: true },
    ]),
  );
});
