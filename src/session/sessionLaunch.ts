import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { BotSpec } from '../config/botSpec.js';
import type { MediaEnvironment } from '../capture/mediaEnvironment.js';
import type { Logger } from '../util/log.js';
import type { RuntimeOptions } from './runtimeOptions.js';
import type { SessionBrowser, SessionDeps } from './sessionDeps.js';
import type { SessionTimings } from './timings.js';

/** Where each started resource goes the moment it exists, so the session can tear down a launch that failed halfway. */
export interface LaunchOwner {
  workDir(dir: string): void;
  media(media: MediaEnvironment): void;
  browser(browser: SessionBrowser): void;
}

/**
 * The launching phase: the bot's work folder, its display and audio server, then Chromium on them (with
 * --headful, the user's own display instead of a private Xvfb). Each start is bounded by its own timeout.
 */
export async function launchSession(p: {
  deps: SessionDeps;
  spec: BotSpec;
  opts: RuntimeOptions;
  log: Logger;
  timings: SessionTimings;
  externalProtocols: readonly string[];
  owner: LaunchOwner;
}): Promise<void> {
  const { deps, spec, opts, log, timings, owner } = p;
  const workDir = await mkdtemp(join(tmpdir(), `meetbot-${opts.botId.slice(0, 8)}-`));
  owner.workDir(workDir);
  const media = await timings.time(
    'media_environment',
    deps.startMediaEnvironment({
      recording: spec.recording,
      workDir,
      log: log.child('capture'),
      ...(opts.headful && process.env.DISPLAY ? { visibleDisplay: process.env.DISPLAY } : {}),
    }),
  );
  owner.media(media);
  const browser = await timings.time(
    'browser_launch',
    deps.launchBrowser({
      media,
      recording: spec.recording,
      chromiumPath: opts.chromiumPath,
      userDataDir: join(workDir, 'chromium-profile'),
      log: log.child('browser'),
      allowLoopback: opts.allowLoopback,
      externalProtocols: { origin: new URL(spec.meeting.join_url).origin, schemes: p.externalProtocols },
    }),
  );
  owner.browser(browser);
}
