import { basename } from 'node:path';
import type { RecordingSpec } from '../config/botSpec.js';
import type { RecordingResult } from '../capture/recorder.js';
import { nowIso, type LoggedEvent, type RecordingOutcomeEvent } from '../events/botEvents.js';
import type { StatusCode, SubCode } from '../lifecycle/codes.js';
import { assessRecording, type HealthAssessment, type MotionTimeline } from '../outputs/recordingHealth.js';
import type { SilenceMeter } from './silenceMeter.js';
import { speechSpans } from '../outputs/speechSpans.js';

/**
 * The recording's health, from what the session gathered: the recorder's result (ffprobe's header, freezes),
 * the tap's silence, the speech events in the bot's own event log, the page's motion timeline. Times become
 * seconds since `originMs`, the recording's first audio (about the file's time 0).
 */
export function assessBotRecording(p: {
  spec: RecordingSpec;
  result: RecordingResult;
  originMs: number;
  stoppedAtMs: number;
  silence: SilenceMeter;
  events: readonly LoggedEvent[];
  motion: MotionTimeline;
}): HealthAssessment {
  const { result: r, originMs } = p;
  const sec = (ms: number) => (ms - originMs) / 1000;
  return assessRecording({
    withVideo: p.spec.mode === 'video_and_audio',
    file: r.file
      ? {
          durationSec: r.durationSec,
          video: r.video ? { frames: r.video.frames, startSec: r.video.startSec } : null,
          audio: r.audio ? { startSec: r.audio.startSec } : null,
        }
      : null,
    fps: p.spec.fps,
    wallClockSec: sec(p.stoppedAtMs),
    gaps: r.gaps.map((g) => ({ start_sec: sec(Date.parse(g.startedAt)), duration_sec: g.durationMs / 1000 })),
    silence: p.silence.summary(speechSpans(p.events, p.stoppedAtMs), { startMs: originMs, endMs: p.stoppedAtMs }),
    freezes: r.freezes.map((f) => ({ start_sec: sec(f.startMs), end_sec: sec(f.endMs) })),
    motion: p.motion,
  });
}

/** Recall's `recording.done` / `recording.failed` for a stopped recording. */
export function recordingOutcomeEvent(
  result: RecordingResult | null,
  assessment: HealthAssessment | null,
  recorderFailure: string | null,
  keptSegments: readonly string[],
): RecordingOutcomeEvent {
  const file = result?.file ? basename(result.file) : null;
  const health = assessment?.health ?? null;
  const failed = (sub_code: Extract<RecordingOutcomeEvent, { event: 'recording.failed' }>['sub_code'], reason: string): RecordingOutcomeEvent => ({
    event: 'recording.failed',
    created_at: nowIso(),
    sub_code,
    reason,
    file,
    health,
  });
  if (recorderFailure) return failed('recording_failed', recorderFailure);
  if (!assessment) return failed('recording_failed', keptSegments.length ? `the segments could not be joined; kept: ${keptSegments.join(', ')}` : 'the recording could not be finalised');
  if (assessment.verdict) return failed(assessment.verdict.sub_code, assessment.verdict.reason);
  return { event: 'recording.done', created_at: nowIso(), sub_code: null, file: file!, health: assessment.health };
}

/** What the session reads of its recording once it has stopped. */
export interface StoppedRecording {
  readonly assessment: HealthAssessment | null;
  readonly keptSegments: readonly string[];
}

/** The recording's part of a final status's detail: its health, and the segments kept when it could not be joined. */
export function recordingDetail(recording: StoppedRecording | null): Record<string, unknown> | undefined {
  const kept = recording?.keptSegments ?? [];
  const health = recording?.assessment?.health;
  if (!health && !kept.length) return undefined;
  return { ...(health ? { recording_health: health } : {}), ...(kept.length ? { recording_segments: kept } : {}) };
}

/**
 * The final status after `call_ended`: `done`, unless the recording is unusable (empty, silent while people
 * spoke, frozen): then `fatal` with the verdict's sub_code, never a plain success.
 */
export function statusAfterCall(recording: StoppedRecording | null): [StatusCode, SubCode | null, Record<string, unknown> | undefined] {
  const verdict = recording?.assessment?.verdict;
  const detail = recordingDetail(recording);
  return verdict ? ['fatal', verdict.sub_code, { reason: verdict.reason, ...detail }] : ['done', null, detail];
}
