import type { Clock } from '../../src/util/clock.js';

/** A Clock that moves only when a test says so, so timers of an hour run in microseconds. */
export class FakeClock implements Clock {
  private elapsedMs = 0;
  private readonly startMs: number;

  constructor(start: Date = new Date('2025-06-02T09:00:00.000Z')) {
    this.startMs = start.getTime();
  }

  now(): Date {
    return new Date(this.startMs + this.elapsedMs);
  }

  monotonicMs(): number {
    return this.elapsedMs;
  }

  advance(ms: number): void {
    if (ms < 0) throw new Error(`FakeClock cannot go back (${ms} ms)`);
    this.elapsedMs += ms;
  }

  advanceSeconds(s: number): void {
    this.advance(s * 1000);
  }
}
