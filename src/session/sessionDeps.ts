import type { Platform } from '../config/botSpec.js';
import { launchBrowser, type LaunchedBrowser } from '../browser/launch.js';
import { startMediaEnvironment, type MediaEnvironment } from '../capture/mediaEnvironment.js';
import type { RecordingResult } from '../capture/recorder.js';
import type { PlatformAdapter } from '../platform/adapter.js';
import { createAdapter } from '../platform/registry.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { MotionTimeline } from '../outputs/recordingHealth.js';
import { BotRecording, type BotRecordingOptions } from './botRecording.js';
import type { StoppedRecording } from './recordingAssessment.js';

/** What the session uses of its browser (production: launchBrowser's result). */
export type SessionBrowser = Pick<LaunchedBrowser, 'page' | 'context' | 'version' | 'isRunning' | 'exited' | 'close'>;

/** What the session uses of its recorder (production: BotRecording). */
export interface SessionRecording extends StoppedRecording {
  start(media: MediaEnvironment): Promise<void>;
  /** Idempotent; never throws (segments it cannot join are kept and named). */
  stop(): Promise<void>;
  /** The meeting's motion for the health verdict (BotRecording.noteMotion). */
  noteMotion(timeline: (originMs: number) => MotionTimeline): void;
  readonly result: RecordingResult | null;
}

/**
 * The session's collaborators: everything that starts a process, drives a page or reads the time. Production
 * defaults below; unit tests pass fakes for some or all, and the session runs in milliseconds.
 */
export interface SessionDeps {
  clock: Clock;
  createAdapter(platform: Platform): PlatformAdapter;
  startMediaEnvironment: typeof startMediaEnvironment;
  launchBrowser(opts: Parameters<typeof launchBrowser>[0]): Promise<SessionBrowser>;
  createRecording(opts: BotRecordingOptions): SessionRecording;
}

export const PRODUCTION_DEPS: SessionDeps = {
  clock: systemClock,
  createAdapter,
  startMediaEnvironment,
  launchBrowser,
  createRecording: (opts) => new BotRecording(opts),
};
