import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RecordingSpec } from '../config/botSpec.js';
import type { Logger } from '../util/log.js';
import { sinkNameFor, startPulse } from './pulse.js';
import { startXvfb } from './xvfb.js';

export interface MediaEnvironment {
  /** ":N" of this bot's own Xvfb (or the visible display when debugging). */
  display: string;
  /** What Chromium and ffmpeg need: DISPLAY, PULSE_SERVER, PULSE_SINK, HOME, XDG_RUNTIME_DIR. */
  env: NodeJS.ProcessEnv;
  /** The pulse source carrying the meeting audio (this bot's sink monitor). */
  audioSource: string;
  /** Makes a capture that just connected to `audioSource` get audio at once (see PulseServer). */
  applyCaptureLatency: (timeoutMs: number, flowing: () => boolean) => Promise<boolean>;
  size: { width: number; height: number };
  /** Idempotent, reverse order; nothing left behind (processes, sockets, temp dirs). */
  dispose: () => Promise<void>;
}

/**
 * Starts this bot's private display and audio server. Every bot has a display, audio-only ones included:
 * Chromium runs headful everywhere, because new headless says `HeadlessChrome` in its user agent and no peer
 * joins Meet headless (issue 15; Xvfb costs ~8 MB). `visibleDisplay` (e.g. ":0") replaces the private Xvfb,
 * for watching a bot while debugging. Everything lives under `<workDir>/media`, which dispose() removes.
 */
export async function startMediaEnvironment(opts: {
  recording: RecordingSpec;
  workDir: string;
  log: Logger;
  visibleDisplay?: string;
  /** Names the sink in logs and `pactl`; defaults to the work directory's name. */
  name?: string;
}): Promise<MediaEnvironment> {
  const log = opts.log.child('media');
  const dir = join(opts.workDir, 'media');
  const size = { width: opts.recording.width, height: opts.recording.height };
  const cleanups: (() => Promise<void>)[] = [];
  let disposed: Promise<void> | null = null;
  const dispose = () =>
    (disposed ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (err) {
          log.warn('media: cleanup step failed', { error: String(err) });
        }
      }
    })());

  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    cleanups.push(() => rm(dir, { recursive: true, force: true }));

    const started = performance.now();
    // Both start at once; whichever succeeded is cleaned up if the other failed.
    const [xvfbResult, pulseResult] = await Promise.allSettled([
      opts.visibleDisplay === undefined ? startXvfb({ ...size, log: log.child('xvfb') }) : null,
      startPulse({ dir: join(dir, 'pulse'), sinkName: sinkNameFor(opts.name ?? basename(opts.workDir)), log: log.child('pulse') }),
    ]);
    if (xvfbResult.status === 'fulfilled' && xvfbResult.value) cleanups.push(xvfbResult.value.stop);
    if (pulseResult.status === 'fulfilled') cleanups.push(pulseResult.value.stop);
    if (xvfbResult.status === 'rejected') throw xvfbResult.reason;
    if (pulseResult.status === 'rejected') throw pulseResult.reason;
    const xvfb = xvfbResult.value;
    const pulse = pulseResult.value;

    const display = opts.visibleDisplay ?? xvfb!.display;
    const home = join(dir, 'home');
    await mkdir(home, { recursive: true, mode: 0o700 });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      // Private HOME and runtime dir: Chromium's ~/.pki and other dot-files never mix between bots.
      HOME: home,
      XDG_RUNTIME_DIR: join(dir, 'pulse', 'runtime'),
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      // Streams bind to this bot's server and sink at creation: no default-sink race.
      PULSE_SERVER: pulse.server,
      PULSE_SINK: pulse.sink,
      DISPLAY: display,
      ...(process.env.LANG ? { LANG: process.env.LANG } : {}),
      ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
    };
    log.info('media: ready', { display, sink: pulse.sink, ms: Math.round(performance.now() - started) });
    return { display, env, audioSource: pulse.monitor, applyCaptureLatency: pulse.applyCaptureLatency, size, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
