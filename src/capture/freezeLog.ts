/**
 * Reads freezedetect's report out of ffmpeg's log (see freezeGraph in ffmpegArgs.ts). The filter logs, at info
 * level, `lavfi.freezedetect.freeze_start: <t>` when a freeze has lasted its minimum, then `freeze_duration` and
 * `freeze_end` when the picture moves again; a freeze still on when ffmpeg ends gets no end line. Times are
 * the grab's timestamps: seconds since the segment's time origin (CaptureInputs.timeOriginMs).
 */

export type FreezeMark = { kind: 'start' | 'end'; sec: number };

/** One ffmpeg log line → a freeze start or end, or null for every other line (freeze_duration included). */
export function parseFreezeLine(line: string): FreezeMark | null {
  const m = /lavfi\.freezedetect\.freeze_(start|end): (-?\d+(?:\.\d+)?)\s*$/.exec(line);
  return m ? { kind: m[1] as FreezeMark['kind'], sec: Number(m[2]) } : null;
}

/** A stretch in which the picture did not change, in wall-clock ms. */
export interface FreezeSpan {
  startMs: number;
  endMs: number;
}

/**
 * One segment's freezes, from its log lines. `close` ends a freeze still on when the segment ended, at the
 * segment's last output.
 */
export class SegmentFreezes {
  private readonly spans: FreezeSpan[] = [];
  private openSinceMs: number | null = null;

  constructor(private readonly timeOriginMs: number) {}

  /** Returns whether the line was freezedetect's. */
  see(line: string): boolean {
    const mark = parseFreezeLine(line);
    if (!mark) return false;
    const atMs = this.timeOriginMs + mark.sec * 1000;
    if (mark.kind === 'start') this.openSinceMs = atMs;
    else if (this.openSinceMs !== null) {
      this.spans.push({ startMs: this.openSinceMs, endMs: atMs });
      this.openSinceMs = null;
    }
    return true;
  }

  close(lastOutputWallMs: number): FreezeSpan[] {
    if (this.openSinceMs !== null && lastOutputWallMs > this.openSinceMs) this.spans.push({ startMs: this.openSinceMs, endMs: lastOutputWallMs });
    this.openSinceMs = null;
    return this.spans;
  }
}
