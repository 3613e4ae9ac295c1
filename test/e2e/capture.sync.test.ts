import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeFlashVideo } from '../../fixtures/capture/flashVideo.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/capture/server.js';
import { startMediaBot, recordingSpec, type MediaBot } from '../helpers/mediaBot.js';
import { measureAvOffset } from '../../fixtures/media/sync.js';

// A participant who flashes and beeps at the same instants must come out in sync in the recording.
// A flash is only seen at the next grab (0-33 ms later at 30 fps); the flash video runs at 60 fps with a period
// of 21.5 grab intervals, so successive flashes land at alternating phases and the average corrects by half a frame.
const HZ = 1000;
const FPS = 30;
let dir: string;
let server: FixtureServer;
let bot: MediaBot;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meetbot-sync-'));
  const video = join(dir, 'flash.mp4');
  await writeFlashVideo(video, { hz: HZ, seconds: 20 });
  server = await startFixtureServer({ files: { 'flash.mp4': video } });
  bot = await startMediaBot({ name: 'sync', recording: recordingSpec({ fps: FPS }), url: server.url({ mode: 'flash' }) });
  await bot.browser.page.waitForFunction(() => (window as unknown as { captureFixture: { playing: boolean } }).captureFixture.playing, null, { timeout: 10_000 });
});

afterAll(async () => {
  await bot?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

test('flash and beep stay within 40 ms of each other in the recording', async () => {
  await bot.recorder.start();
  await new Promise((r) => setTimeout(r, 12_000));
  const result = await bot.recorder.stop();
  expect(result.file).not.toBeNull();
  const sync = await measureAvOffset(result.file!, HZ, FPS);
  console.info('A/V offset (beep minus flash, ms):', sync.offsetsMs.map((o) => Math.round(o)).join(' '), '| typical, frame-corrected:', sync.typicalMs.toFixed(1));
  // A flash is 3 frames long; under heavy load Chromium may skip one, so not every beep finds its flash.
  expect(sync.offsetsMs.length).toBeGreaterThanOrEqual(6);
  expect(Math.abs(sync.typicalMs)).toBeLessThanOrEqual(40);
});
