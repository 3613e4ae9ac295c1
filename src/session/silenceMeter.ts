import type { SilenceSummary } from '../outputs/recordingHealth.js';
import type { WallSpan } from '../outputs/speechSpans.js';
import { SPEECH_PEAK_THRESHOLD } from '../rules/silence.js';

const overlapMs = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/**
 * The recording's silence, measured live on the audio tap (the same capture the file gets) so nothing is decoded
 * after the call. Per wall-clock second it keeps how much audio came and how much of it was silent: two numbers a
 * second, ~0.6 MB for ten hours. A frame is silent by the silence rule's own threshold (peak, not RMS).
 */
export class SilenceMeter {
  private originMs: number | null = null;
  private readonly audioMs: number[] = [];
  private readonly silentMs: number[] = [];

  /** One tap frame: when its first sample was captured (wall clock), how long it is, its peak (0..1). */
  add(capturedAtMs: number, durationMs: number, peak: number): void {
    this.originMs ??= capturedAtMs;
    const second = Math.max(0, Math.floor((capturedAtMs - this.originMs) / 1000));
    while (this.audioMs.length <= second) {
      this.audioMs.push(0);
      this.silentMs.push(0);
    }
    this.audioMs[second]! += durationMs;
    if (peak <= SPEECH_PEAK_THRESHOLD) this.silentMs[second]! += durationMs;
  }

  /**
   * Totals, and how silent the recording was while someone spoke. `speech` spans are clipped to `window` (the
   * time the bot recorded); a second of that window in which no audio came counts as silent: the file holds
   * nothing of what was said then.
   */
  summary(speech: readonly WallSpan[], window: WallSpan): SilenceSummary {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    let speakingMs = 0;
    let silentWhileSpeakingMs = 0;
    for (const s of speech) {
      const start = Math.max(s.startMs, window.startMs);
      const end = Math.min(s.endMs, window.endMs);
      if (end <= start) continue;
      speakingMs += end - start;
      silentWhileSpeakingMs += this.silentMsWithin(start, end);
    }
    return {
      audioSec: sum(this.audioMs) / 1000,
      silentSec: sum(this.silentMs) / 1000,
      speakingSec: speakingMs / 1000,
      silentWhileSpeakingSec: silentWhileSpeakingMs / 1000,
    };
  }

  /** Silent time in [start, end): each second's share of silence, weighted by how much of it the span covers. */
  private silentMsWithin(start: number, end: number): number {
    if (this.originMs === null) return end - start;
    let silent = 0;
    for (let t = start; t < end; ) {
      const second = Math.floor((t - this.originMs) / 1000);
      const secondStart = this.originMs + second * 1000;
      const covered = overlapMs(t, end, secondStart, secondStart + 1000);
      const audio = second >= 0 ? (this.audioMs[second] ?? 0) : 0;
      // A second with no audio is silent; otherwise the share of its audio that was silent.
      silent += covered * (audio > 0 ? this.silentMs[second]! / audio : 1);
      t = secondStart + 1000;
    }
    return silent;
  }
}
