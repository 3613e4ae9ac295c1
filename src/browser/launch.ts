import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as PlaywrightCore from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RecordingSpec } from '../config/botSpec.js';
import type { MediaEnvironment } from '../capture/mediaEnvironment.js';
import type { ExitReason } from '../process/exitReason.js';
import { StartError, SupervisedProcess } from '../process/supervisor.js';
import type { Logger } from '../util/log.js';
import { chromiumFlags } from './chromiumFlags.js';
import { writeFakeMedia } from './fakeMedia.js';
import { DISABLE_INCOMING_VIDEO_SCRIPT } from './incomingVideo.js';
import { initialPreferences, writeInitialPreferences, type ExternalProtocols } from './profilePrefs.js';

/**
 * playwright-core is loaded on first launch, with require: it is only needed once Chromium is starting, and
 * an ESM import of its CommonJS bundles also runs Node's export lexer over several MB (seconds on a busy
 * machine). Loading it while Chromium boots takes it off the join path.
 */
let playwright: typeof PlaywrightCore | null = null;
function loadPlaywright(): typeof PlaywrightCore {
  return (playwright ??= createRequire(import.meta.url)('playwright-core') as typeof PlaywrightCore);
}

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  process: SupervisedProcess;
  /** Chromium's version, as the manifest reports it. */
  version(): string;
  isRunning(): boolean;
  /** Resolves when Chromium's process ends, however it ends (a crash, a kill, close()). */
  exited: Promise<ExitReason>;
  /** Idempotent: disconnects, ends Chromium's process group and removes the profile. */
  close(): Promise<void>;
}

/** Debian's real binary behind its /usr/bin/chromium shell wrapper. */
const DEBIAN_CHROMIUM = '/usr/lib/chromium/chromium';

/**
 * The ELF binary to start. Debian's /usr/bin/chromium is a shell script that adds flags of its own
 * (--enable-gpu-rasterization, --load-extension, --disable-extensions-except, a /dev/shm probe); the bot's
 * command line must be exactly chromiumFlags(), so the wrapper is skipped when it is recognised.
 */
export function resolveChromiumBinary(path: string): string {
  try {
    const head = readFileSync(path, { encoding: 'latin1', flag: 'r' }).slice(0, 4096);
    if (head.startsWith('#!') && head.includes('LIBDIR=/usr/lib/$APPNAME') && existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  } catch {
    /* not readable here: let the spawn report it */
  }
  return path;
}

/**
 * Starts Chromium under the supervisor (its own process group, pdeathsig) on this bot's display and audio
 * server, then attaches Playwright over CDP. Always headful (see startMediaEnvironment); with `media.display`
 * being the user's own display the browser shows up there (debugging).
 *
 * The profile directory is emptied first (a fresh profile per bot) and removed by close().
 */
export async function launchBrowser(opts: {
  media: MediaEnvironment;
  recording: RecordingSpec;
  chromiumPath: string;
  userDataDir: string;
  log: Logger;
  allowLoopback?: boolean;
  /** Time allowed for Chromium to print its DevTools address and accept the CDP connection (default 30 s). */
  timeoutMs?: number;
  /** App-link schemes the meeting's pages fire, allowed for their origin so no native dialog blocks the page. */
  externalProtocols?: ExternalProtocols;
}): Promise<LaunchedBrowser> {
  const log = opts.log.child('browser');
  await rm(opts.userDataDir, { recursive: true, force: true });
  await mkdir(opts.userDataDir, { recursive: true });
  await writeInitialPreferences(opts.userDataDir, initialPreferences(opts.externalProtocols ?? null));
  const fakeMedia = await writeFakeMedia(opts.userDataDir);
  const args = chromiumFlags({
    fakeMedia,
    width: opts.media.size.width,
    height: opts.media.size.height,
    userDataDir: opts.userDataDir,
    runningAsRoot: process.getuid?.() === 0,
    allowLoopback: opts.allowLoopback ?? false,
  });
  // 60 ms of output buffering: with Chromium's default ~25 ms the playback stream underran under load (2 cores:
  // Chromium + x264 + Xvfb), leaving clicks in the recording. Chromium counts this latency in its A/V sync.
  const env: NodeJS.ProcessEnv = { ...opts.media.env, PULSE_LATENCY_MSEC: '60' };
  const started = performance.now();
  const proc = SupervisedProcess.start({
    name: 'chromium',
    command: resolveChromiumBinary(opts.chromiumPath),
    args,
    env,
    logger: log,
  });
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let browser: Browser | null = null;
  try {
    const { chromium } = loadPlaywright();
    const [, wsUrl] = await proc.waitForLine(/DevTools listening on (ws:\/\/\S+)/, timeoutMs);
    browser = await chromium.connectOverCDP(wsUrl!, { timeout: timeoutMs });
    const context = browser.contexts()[0];
    if (!context) throw new StartError(proc, 'no default browser context over CDP');
    if (opts.recording.mode !== 'video_and_audio') await context.addInitScript(DISABLE_INCOMING_VIDEO_SCRIPT);
    const page = context.pages()[0] ?? (await context.newPage());
    log.info('browser: ready', { pid: proc.pid, display: opts.media.display, ms: Math.round(performance.now() - started) });
    const connected = browser;
    let closing: Promise<void> | null = null;
    const close = () =>
      (closing ??= (async () => {
        // Disconnect first so Playwright does not report the exit as a crash, then end the process group.
        await connected.close().catch(() => {});
        await proc.stop('browser closed', 'SIGTERM', 5000);
        await rm(opts.userDataDir, { recursive: true, force: true });
      })());
    return {
      browser: connected,
      context,
      page,
      process: proc,
      version: () => connected.version(),
      isRunning: () => proc.running,
      exited: proc.exited,
      close,
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    await proc.stop('failed to start', 'SIGKILL', 1000);
    await rm(opts.userDataDir, { recursive: true, force: true });
    throw err;
  }
}
