import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingSpec } from '../../src/config/botSpec.js';
import { launchBrowser, type LaunchedBrowser } from '../../src/browser/launch.js';
import { startMediaEnvironment, type MediaEnvironment } from '../../src/capture/mediaEnvironment.js';
import { Recorder } from '../../src/capture/recorder.js';
import { createLogger, type Logger } from '../../src/util/log.js';

/** A whole capture stack for tests: media environment, Chromium on a page, and a recorder (not started). */
export interface MediaBot {
  workDir: string;
  outDir: string;
  media: MediaEnvironment;
  browser: LaunchedBrowser;
  recorder: Recorder;
  close(): Promise<void>;
}

export const CHROMIUM = '/usr/bin/chromium';
export const FFMPEG = '/usr/bin/ffmpeg';

export function recordingSpec(overrides: Partial<RecordingSpec> = {}): RecordingSpec {
  return {
    mode: 'video_and_audio',
    width: 1280,
    height: 720,
    fps: 30,
    layout: 'speaker_view',
    screenshare: 'overlap',
    audio_format: 'aac',
    ...overrides,
  };
}

/** MEETBOT_TEST_LOG=debug shows the stack's logs on stderr. */
export function testLogger(name: string): Logger {
  const level = process.env.MEETBOT_TEST_LOG;
  return level
    ? createLogger({ minLevel: level as 'debug', stderr: true, file: null }, name)
    : createLogger({ minLevel: 'error', stderr: true, file: null }, name);
}

export async function startMediaBot(opts: {
  name: string;
  recording: RecordingSpec;
  url: string;
  restartLimit?: number;
  allowLoopback?: boolean;
}): Promise<MediaBot> {
  const workDir = await mkdtemp(join(tmpdir(), `meetbot-${opts.name}-`));
  const log = testLogger(opts.name);
  const outDir = join(workDir, 'out');
  const media = await startMediaEnvironment({ recording: opts.recording, workDir, log });
  let browser: LaunchedBrowser | null = null;
  try {
    browser = await launchBrowser({
      media,
      recording: opts.recording,
      chromiumPath: CHROMIUM,
      userDataDir: join(workDir, 'profile'),
      log,
      allowLoopback: opts.allowLoopback ?? false,
    });
    await browser.page.goto(opts.url, { timeout: 15_000 });
    const recorder = new Recorder({
      recording: opts.recording,
      media,
      outDir,
      ffmpegPath: FFMPEG,
      log,
      ...(opts.restartLimit !== undefined ? { restartLimit: opts.restartLimit } : {}),
    });
    const launched = browser;
    return {
      workDir,
      outDir,
      media,
      browser: launched,
      recorder,
      close: async () => {
        await recorder.stop().catch(() => {});
        await launched.close();
        await media.dispose();
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close();
    await media.dispose();
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
}
