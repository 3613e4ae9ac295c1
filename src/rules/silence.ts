import { fireAfter, type LeaveRule } from './leaveDecision.js';
import { isInCall } from './ruleSnapshot.js';

/**
 * A frame whose peak (|sample| / 32768) is above this holds sound: ~-46 dBFS, 164 of 32768. Two measured
 * detectors sit here: Vexa's delivered-audio gate (peak > 0.005) and the Teams bot that calls peak < 200
 * (0.006) silent (bot-api.md 3.3). Speech peaks tens of dB above it, while a quiet meeting's WebRTC output
 * is digital zero or faint comfort noise. Peak, not RMS: in Vexa 23.3 % of real frames that passed the
 * peak gate failed an RMS floor (#850), and a short word in a long frame barely moves the RMS. One frame
 * above it resets the timer: leaving a live meeting is the worse mistake.
 */
export const SPEECH_PEAK_THRESHOLD = 0.005;

/**
 * Longer than this between the end of one frame and the next frame, and the capture path was not delivering
 * audio: what was said then is unknown, so the silent run starts again. Generous enough for a loaded event
 * loop on two cores; a dead capture path is not silence (capture-and-performance.md, Meeting BaaS #101).
 */
export const MAX_FRAME_GAP_MS = 2000;

export interface AudioFrame {
  peak: number;
  durationMs: number;
  /** Monotonic ms at which the frame arrived, i.e. about when its last sample was captured. */
  arrivedMs: number;
}

/**
 * The silent run after one more frame. It adds audio time, never wall time, so without frames nothing
 * accumulates. Frames before the rule is armed (join + activate_after) are not counted.
 */
export function nextSilentAudioMs(
  silentMs: number,
  frame: AudioFrame,
  previousArrivedMs: number | null,
  armed: boolean,
): number {
  if (!armed || frame.peak > SPEECH_PEAK_THRESHOLD) return 0;
  const gapMs = previousArrivedMs === null ? 0 : frame.arrivedMs - frame.durationMs - previousArrivedMs;
  return (gapMs > MAX_FRAME_GAP_MS ? 0 : silentMs) + frame.durationMs;
}

/** Continuous silence in the captured meeting audio, whoever is present (the Recall and Attendee silence rules). */
export const silence: LeaveRule = (spec, s) => {
  if (!isInCall(s.status)) return null;
  const { timeout, activate_after } = spec.silence;
  return fireAfter({
    rule: 'silence',
    sub_code: 'timeout_exceeded_silence_detected',
    timeout,
    elapsedMs: s.silentAudioMs,
    figures: { activate_after, threshold: SPEECH_PEAK_THRESHOLD },
  });
};
