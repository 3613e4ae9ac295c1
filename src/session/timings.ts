import type { ManifestTimings } from '../outputs/artifacts.js';

type TimedStep = keyof ManifestTimings['durations'];
type TimedMoment = keyof ManifestTimings['process_uptime'];

/** The session's timings for the manifest: start-up step durations, and moments in process uptime. */
export class SessionTimings {
  private readonly report: ManifestTimings = { durations: {}, process_uptime: {} };

  async time<T>(step: TimedStep, work: Promise<T>): Promise<T> {
    const t0 = performance.now();
    const result = await work;
    this.report.durations[step] = Math.round(performance.now() - t0);
    return result;
  }

  mark(moment: TimedMoment): void {
    this.report.process_uptime[moment] = Math.round(process.uptime() * 1000);
  }

  toJSON(): ManifestTimings {
    return this.report;
  }
}
