import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { liveProcesses } from '../../src/process/supervisor.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/capture/server.js';
import { decodeAudio, meanToneAmplitude, slicePcm } from '../../fixtures/media/audio.js';
import { recordingSpec, startMediaBot, type MediaBot } from '../helpers/mediaBot.js';
import { meanColor } from '../../fixtures/media/video.js';

// Two bots on one machine, started at the same moment, each on its own page: each recording holds only its
// own page's tone and picture.
const PAGES = [
  { name: 'alice', hz: 500, bg: '#2040c0' },
  { name: 'bob', hz: 740, bg: '#c02020' },
] as const;
// Smaller frames keep two encoders and two browsers light on a 2-core machine; isolation does not depend on size.
const recording = recordingSpec({ width: 640, height: 360, fps: 15 });
let server: FixtureServer;
let bots: MediaBot[] = [];

beforeAll(async () => {
  server = await startFixtureServer();
  const started = await Promise.allSettled(
    PAGES.map((p) => startMediaBot({ name: p.name, recording, url: server.url({ hz: p.hz, bg: p.bg }) })),
  );
  bots = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw (failed).reason;
});

afterAll(async () => {
  await Promise.all(bots.map((b) => b.close()));
  await server?.close();
});

test('each bot has its own display and audio server', () => {
  const [a, b] = bots as [MediaBot, MediaBot];
  expect(a.media.display).toMatch(/^:\d+$/);
  expect(b.media.display).toMatch(/^:\d+$/);
  expect(a.media.display).not.toBe(b.media.display);
  expect(a.media.env.PULSE_SERVER).not.toBe(b.media.env.PULSE_SERVER);
  expect(a.media.audioSource).not.toBe(b.media.audioSource);
});

test('two bots recording at once: each file holds only its own tone and its own page', async () => {
  await Promise.all(bots.map((b) => b.recorder.start()));
  await new Promise((r) => setTimeout(r, 6000));
  const results = await Promise.all(bots.map((b) => b.recorder.stop()));
  for (const [i, page] of PAGES.entries()) {
    const other = PAGES[1 - i]!;
    const file = results[i]!.file!;
    expect(results[i]!.video).toMatchObject({ width: 640, height: 360 });
    const pcm = slicePcm(await decodeAudio(file, { sampleRate: 16_000 }), 0.5);
    const own = meanToneAmplitude(pcm, page.hz);
    const foreign = meanToneAmplitude(pcm, other.hz);
    console.info(`${page.name}: own tone ${own.toFixed(3)}, ${other.name}'s tone ${foreign.toFixed(4)}`);
    expect(own).toBeGreaterThan(0.15);
    expect(foreign).toBeLessThan(0.01);
    const [r, , b] = await meanColor(file, results[i]!.durationSec / 2);
    if (page.name === 'alice') expect(b).toBeGreaterThan(r + 60);
    else expect(r).toBeGreaterThan(b + 60);
  }
});

test('closing the bots leaves nothing behind: no process, no X lock or socket, no media directory', async () => {
  const displays = bots.map((b) => b.media.display.slice(1));
  const mediaDirs = bots.map((b) => join(b.workDir, 'media'));
  const pids = bots.flatMap((b) => [b.browser.process.pid]);
  await Promise.all(bots.map((b) => b.close()));
  await Promise.all(bots.map((b) => b.media.dispose())); // idempotent
  bots = [];
  expect(liveProcesses()).toEqual([]);
  for (const pid of pids) expect(() => process.kill(pid!, 0)).toThrow();
  for (const n of displays) {
    expect(existsSync(`/tmp/.X${n}-lock`)).toBe(false);
    expect(existsSync(`/tmp/.X11-unix/X${n}`)).toBe(false);
  }
  for (const dir of mediaDirs) expect(existsSync(dir)).toBe(false);
});
