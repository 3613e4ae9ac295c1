import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startMediaEnvironment, type MediaEnvironment } from '../../src/capture/mediaEnvironment.js';
import { meanToneAmplitude, type Pcm } from '../../fixtures/media/audio.js';
import { FFMPEG, recordingSpec, testLogger } from '../helpers/mediaBot.js';

// A capture that connects while the sink runs 2 s blocks (its first block, or nothing playing) gets audio once
// applyCaptureLatency has restarted the sink's clock; a capture that gets audio anyway is left alone.
const TONE_HZ = 600;
const children: ChildProcess[] = [];
let media: MediaEnvironment | null = null;
let workDir = '';

afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await media?.dispose();
  media = null;
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function start(): Promise<MediaEnvironment> {
  workDir = await mkdtemp(join(tmpdir(), 'meetbot-pulse-latency-'));
  media = await startMediaEnvironment({ recording: recordingSpec({ mode: 'audio_only' }), workDir, log: testLogger('pulse') });
  return media;
}

/** Chromium's side: a tone played into the bot's sink at Chromium's playback latency. */
function playTone(env: NodeJS.ProcessEnv): void {
  const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `sine=f=${TONE_HZ}:r=48000`, '-f', 'pulse', 'tone'];
  children.push(spawn(FFMPEG, args, { env: { ...env, PULSE_LATENCY_MSEC: '60' }, stdio: 'ignore' }));
}

/** The recorder's side: 16 kHz mono from the monitor at a 20 ms fragment, collected as it arrives. */
function capture(m: MediaEnvironment): { pcm: () => Pcm; flowing: () => boolean } {
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'pulse', '-fragment_size', '3840', '-i', m.audioSource];
  const child = spawn(FFMPEG, [...args, '-ac', '1', '-ar', '16000', '-f', 's16le', '-flush_packets', '1', 'pipe:1'], {
    env: m.env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  return {
    flowing: () => chunks.length > 0,
    pcm: () => {
      const all = Buffer.concat(chunks);
      const samples = new Float32Array(Math.floor(all.length / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = all.readInt16LE(i * 2) / 32768;
      return { samples, sampleRate: 16_000 };
    },
  };
}

test('a capture connected during the start-up block gets the tone once the sink clock restarts', async () => {
  const m = await start();
  playTone(m.env);
  const tap = capture(m);
  expect(await m.applyCaptureLatency(1500, tap.flowing)).toBe(true);
  await new Promise((r) => setTimeout(r, 1000));
  const pcm = tap.pcm();
  // 1 s after the restart there is close to 1 s of audio, and it carries the tone.
  expect(pcm.samples.length).toBeGreaterThan(16_000 * 0.5);
  expect(meanToneAmplitude({ ...pcm, samples: pcm.samples.slice(-8000) }, TONE_HZ)).toBeGreaterThan(0.1);
}, 30_000);

test('a capture in a silent lobby (nothing playing, 2 s blocks) gets audio once the clock restarts', async () => {
  const m = await start();
  await new Promise((r) => setTimeout(r, 2500));
  const tap = capture(m);
  expect(await m.applyCaptureLatency(1500, tap.flowing)).toBe(true);
  await new Promise((r) => setTimeout(r, 1000));
  expect(tap.pcm().samples.length).toBeGreaterThan(16_000 * 0.5);
}, 30_000);

test('a capture that gets audio anyway (the sink already runs at a short latency) is left alone', async () => {
  const m = await start();
  playTone(m.env);
  await new Promise((r) => setTimeout(r, 2500));
  const tap = capture(m);
  expect(await m.applyCaptureLatency(1500, tap.flowing)).toBe(false);
  expect(tap.flowing()).toBe(true);
}, 30_000);
