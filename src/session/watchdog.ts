import { systemClock, type Clock } from '../util/clock.js';

/**
 * Ends a bot that stops moving. The bot names the step it is in (`enter`) and reports progress within it
 * (`beat`); when neither happens for `limitMs`, `onStuck` fires once with the step's name. Every page call
 * is bounded on its own, so this only fires for what those bounds miss: a step that waits for a page that
 * never comes, an unbounded call into a hung browser, a poll loop that sees nothing it understands.
 */
export class ProgressWatchdog {
  private step = 'starting';
  private lastProgressMs: number;
  private timer: NodeJS.Timeout | null = null;
  private fired = false;

  constructor(
    private readonly limitMs: number,
    private readonly onStuck: (step: string, stuckForMs: number) => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.lastProgressMs = clock.monotonicMs();
  }

  start(): void {
    this.beat();
    // A quarter of the limit, at most a second: a short test limit is met within 25 %.
    this.timer ??= setInterval(() => this.check(), Math.min(1000, this.limitMs / 4));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** A new step begins: that alone is progress. */
  enter(step: string): void {
    this.step = step;
    this.beat();
  }

  beat(): void {
    this.lastProgressMs = this.clock.monotonicMs();
  }

  get currentStep(): string {
    return this.step;
  }

  /** Called by the timer; public so tests can drive it with a fake clock. */
  check(): void {
    const stuckFor = this.clock.monotonicMs() - this.lastProgressMs;
    if (this.fired || stuckFor < this.limitMs) return;
    this.fired = true;
    this.stop();
    this.onStuck(this.step, stuckFor);
  }
}
