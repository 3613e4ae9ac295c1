import type { RecordingSpec } from '../config/botSpec.js';
import type { AdapterContext, PageScope, PlatformAdapter } from '../platform/adapter.js';
import { withTimeout } from '../util/async.js';
import type { Logger } from '../util/log.js';
import { nextFeatured } from './featuredSpeaker.js';
import { planLayout } from './layoutPlan.js';
import { installStage, STAGE_ATTRIBUTE, STAGE_KEY, type StageConfig, type StageReport } from './stagePage.js';

/** How often the session looks at the stage: re-installs it in a new document, and asks if the picture moved. */
const LOOK_MS = 1000;

/** A stretch of the recording during which the meeting's video was moving, in seconds from the recording's start. */
export interface MotionSpan {
  start_sec: number;
  end_sec: number;
}

export interface RecordingStageOptions {
  adapter: PlatformAdapter;
  ctx: AdapterContext;
  recording: RecordingSpec;
  log: Logger;
  /** Who the session's probe last saw speaking (Teams' outline movement is only seen there). */
  speaking?: () => string[];
}

/**
 * The node side of the recording's picture (stagePage.ts): installs the stage in the call's frame before the
 * recorder starts, installs it again whenever the page moves to a new document (Teams' hop to its full
 * client), and keeps, second by second, whether the meeting's video was moving, for the recording's health
 * (a picture that stood still while the meeting moved is a frozen recording). Page work is bounded by the
 * step timeout; a stage that cannot be shown is logged and retried, never an end.
 */
export class RecordingStage {
  private readonly script: string;
  private timer: NodeJS.Timeout | null = null;
  private looking = false;
  private last: StageReport | null = null;
  private lastShown: string | null = null;
  private steppedAside = false;
  private readonly motion: { atMs: number; moving: boolean }[] = [];

  constructor(private readonly o: RecordingStageOptions) {
    const config: StageConfig = {
      key: STAGE_KEY,
      attribute: STAGE_ATTRIBUTE,
      layout: o.recording.layout,
      screenshare: o.recording.screenshare,
      fps: o.recording.fps,
      tiles: o.adapter.tiles,
      selfNames: [o.ctx.botName, 'you', 'me'].map((n) => n.toLowerCase()),
    };
    this.script = `(${installStage.toString()})(${JSON.stringify(config)}, ${planLayout.toString()}, ${nextFeatured.toString()})`;
  }

  /** Shows the stage (resolves once it is in the page, or after one failed try) and keeps looking at it. */
  async start(): Promise<void> {
    await this.look();
    this.timer = setInterval(() => void this.look(), LOOK_MS);
    this.o.ctx.signal.addEventListener('abort', () => this.stop(), { once: true });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The last report from the page (tests and the log read who is shown). */
  get report(): StageReport | null {
    return this.last;
  }

  /** Seconds of the recording (from `originMs`) during which the meeting's video was moving, merged. */
  movingSpans(originMs: number): MotionSpan[] {
    const spans: MotionSpan[] = [];
    for (const m of this.motion) {
      if (!m.moving) continue;
      const end = (m.atMs - originMs) / 1000;
      const start = Math.max(0, end - LOOK_MS / 1000);
      if (end <= 0) continue;
      const prev = spans.at(-1);
      if (prev && start - prev.end_sec < 0.01) prev.end_sec = end;
      else spans.push({ start_sec: start, end_sec: end });
    }
    return spans;
  }

  private async look(): Promise<void> {
    if (this.looking) return;
    this.looking = true;
    try {
      const scope = await this.scope();
      const speaking = JSON.stringify(this.o.speaking?.() ?? []);
      const read = `window[${JSON.stringify(STAGE_KEY)}]?.report(${speaking}) ?? null`;
      let report = await withTimeout(scope.evaluate<StageReport | null>(read), this.o.ctx.stepTimeoutMs, 'read the recording stage');
      if (report === null) {
        await withTimeout(scope.evaluate(this.script), this.o.ctx.stepTimeoutMs, 'install the recording stage');
        report = await withTimeout(scope.evaluate<StageReport | null>(read), this.o.ctx.stepTimeoutMs, 'read the recording stage');
      }
      const shown = report ? JSON.stringify([report.featured, report.shown]) : null;
      if (report && shown !== this.lastShown) this.o.log.info('recording shows', { featured: report.featured, tiles: report.shown });
      if (report && report.steppedAside !== this.steppedAside) {
        this.steppedAside = report.steppedAside;
        if (report.steppedAside) this.o.log.warn('no call tile matched while the page plays video: the recording shows the page as drawn', { selectors: this.o.adapter.tiles.tile });
        else this.o.log.info('call tiles found again: the recording shows the meeting alone');
      }
      this.lastShown = shown;
      this.last = report;
      if (report) this.motion.push({ atMs: Date.now(), moving: report.moving });
    } catch (err) {
      if (!this.o.ctx.signal.aborted) this.o.log.debug('could not look at the recording stage', { error: String(err) });
    } finally {
      this.looking = false;
    }
  }

  private scope(): Promise<PageScope> {
    const { adapter, ctx } = this.o;
    return adapter.callFrame ? adapter.callFrame(ctx) : Promise.resolve(ctx.page);
  }
}
