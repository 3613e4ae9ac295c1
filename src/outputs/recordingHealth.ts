import type { RecordingHealth, RecordingSpan as Span } from '../events/botEvents.js';
import type { RecordingVerdict } from '../lifecycle/codes.js';

/**
 * The recording's health report and its verdict, as pure functions of facts gathered cheaply while recording
 * (the audio tap's silence, ffmpeg's freezedetect, the speaking indicators) and at finalisation (ffprobe's
 * header). A bot may record for hours and has ~10 s after SIGTERM: nothing here decodes the file.
 */

/**
 * When the meeting's own video was moving (the participants' sources, as the page saw them), in seconds since
 * the recording's start like every RecordingSpan. With it, a freeze counts only while the meeting moved;
 * without it (null) only a picture that never changed counts.
 */
export type MotionTimeline = readonly Span[] | null;

/** Under this the file is empty... */
export const EMPTY_FILE_SEC = 1;
/** ...when the bot recorded at least this long. */
export const EMPTY_WALL_CLOCK_SEC = 2;
/** Less speech than this in all is too little to call a silent recording broken (indicators lag, blink). */
export const SILENT_MIN_SPEAKING_SEC = 5;
/** Share of the speaking time the recording must have been silent for ("nearly all of it"). */
export const SILENT_SHARE_OF_SPEECH = 0.9;
/** One freeze overlapping the meeting's motion this long is a frozen recording (motion timeline known). */
export const FROZEN_WHILE_MOVING_SEC = 15;
/** Without a motion timeline: a picture frozen over this share... */
export const FROZEN_SHARE = 0.95;
/** ...of a recording at least this long. */
export const FROZEN_MIN_RECORDING_SEC = 20;

/** The recording's audio as the live silence meter (session/silenceMeter.ts) measured it. */
export interface SilenceSummary {
  /** Audio the tap delivered, seconds. */
  audioSec: number;
  /** Of it, in frames whose peak stayed under SPEECH_PEAK_THRESHOLD. */
  silentSec: number;
  /** Time someone spoke inside the window given to summary(). */
  speakingSec: number;
  /** Of that time, how much the recording held no sound (silent frames, or no audio at all). */
  silentWhileSpeakingSec: number;
}

export interface HealthFacts {
  /** Whether the recording was meant to hold a picture (video_and_audio). */
  withVideo: boolean;
  /** The finalised file, or null when there is none (nothing recorded, or the segments could not be joined). */
  file: {
    durationSec: number;
    video: { frames: number | null; startSec: number } | null;
    audio: { startSec: number } | null;
  } | null;
  /** The frame rate asked for (the grab's). */
  fps: number;
  /** From the recording's start to its stop. */
  wallClockSec: number;
  gaps: readonly { start_sec: number; duration_sec: number }[];
  silence: SilenceSummary;
  freezes: readonly Span[];
  motion: MotionTimeline;
}

export interface HealthAssessment {
  health: RecordingHealth;
  /** Why the recording is unusable, or null for a usable one. */
  verdict: { sub_code: RecordingVerdict; reason: string } | null;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const length = (s: Span) => Math.max(0, s.end_sec - s.start_sec);
const overlap = (a: Span, b: Span) => Math.max(0, Math.min(a.end_sec, b.end_sec) - Math.max(a.start_sec, b.start_sec));

/** How long each freeze overlaps the motion timeline, summed over its spans (spans of one timeline do not overlap). */
function frozenWhileMoving(freeze: Span, motion: readonly Span[]): number {
  return motion.reduce((sum, m) => sum + overlap(freeze, m), 0);
}

export function assessRecording(f: HealthFacts): HealthAssessment {
  const durationSec = f.file?.durationSec ?? 0;
  const video = f.withVideo ? videoHealth(f, durationSec) : null;
  const health: RecordingHealth = {
    duration_sec: round(durationSec),
    wall_clock_sec: round(f.wallClockSec),
    gaps: f.gaps.map((g) => ({ start_sec: round(g.start_sec), duration_sec: round(g.duration_sec) })),
    audio: {
      silence_share: f.silence.audioSec > 0 ? round(f.silence.silentSec / f.silence.audioSec, 3) : 1,
      speaking_sec: round(f.silence.speakingSec, 1),
      silent_while_speaking_sec: round(f.silence.silentWhileSpeakingSec, 1),
    },
    video: video?.health ?? null,
  };
  return { health, verdict: verdictOf(f, durationSec, video?.frozen ?? null) };
}

function videoHealth(f: HealthFacts, durationSec: number): { health: NonNullable<RecordingHealth['video']>; frozen: string | null } {
  const freezes = f.freezes.map((s) => ({ start_sec: round(Math.max(0, s.start_sec)), end_sec: round(Math.min(s.end_sec, Math.max(durationSec, s.start_sec))) }));
  const longest = Math.max(0, ...freezes.map(length));
  const whileMoving = f.motion ? freezes.map((s) => frozenWhileMoving(s, f.motion!)) : null;
  const fv = f.file?.video ?? null;
  const fa = f.file?.audio ?? null;
  const frozenTotal = freezes.reduce((sum, s) => sum + length(s), 0);
  let frozen: string | null = null;
  if (whileMoving && Math.max(0, ...whileMoving) >= FROZEN_WHILE_MOVING_SEC) {
    frozen = `the picture did not change for ${round(Math.max(...whileMoving), 1)} s while the meeting's video moved`;
  } else if (!whileMoving && durationSec >= FROZEN_MIN_RECORDING_SEC && frozenTotal >= FROZEN_SHARE * durationSec) {
    frozen = `the picture did not change over ${round(frozenTotal, 1)} s of ${round(durationSec, 1)} s`;
  }
  return {
    health: {
      longest_freeze_sec: round(longest),
      freezes,
      frozen_while_moving_sec: whileMoving ? round(whileMoving.reduce((a, b) => a + b, 0)) : null,
      frames_dropped: fv && fv.frames !== null ? Math.max(0, Math.round(durationSec * f.fps) - fv.frames) : null,
      av_offset_ms: fv && fa ? Math.round((fa.startSec - fv.startSec) * 1000) : null,
    },
    frozen,
  };
}

function verdictOf(f: HealthFacts, durationSec: number, frozen: string | null): HealthAssessment['verdict'] {
  const hasMedia = f.file !== null && (f.file.video !== null || f.file.audio !== null);
  if (!hasMedia) return { sub_code: 'recording_empty', reason: f.file ? 'the file holds no media stream' : 'no recording file' };
  if (durationSec < EMPTY_FILE_SEC && f.wallClockSec >= EMPTY_WALL_CLOCK_SEC) {
    return { sub_code: 'recording_empty', reason: `the file holds ${round(durationSec)} s of ${round(f.wallClockSec, 1)} s recorded` };
  }
  const { speakingSec, silentWhileSpeakingSec } = f.silence;
  if (speakingSec >= SILENT_MIN_SPEAKING_SEC && silentWhileSpeakingSec >= SILENT_SHARE_OF_SPEECH * speakingSec) {
    return { sub_code: 'recording_silent', reason: `silent for ${round(silentWhileSpeakingSec, 1)} s of the ${round(speakingSec, 1)} s participants spoke` };
  }
  return frozen ? { sub_code: 'recording_frozen', reason: frozen } : null;
}
