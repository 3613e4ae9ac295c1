import type { RecordingVerdict } from '../lifecycle/codes.js';
import type { StatusEvent } from '../lifecycle/machine.js';

/**
 * Everything the bot reports, as one closed union: status changes (`bot.<code>`), participant and chat events
 * (`participant_events.*`), recording facts (`recording.*`), warnings and the wait for the host. Names follow
 * Recall's event names so webhooks and realtime endpoints pass them on unchanged. The fields are the public
 * contract of stdout and events.jsonl (docs/events.md).
 */
export type BotEvent =
  | StatusEvent
  | ParticipantEvent
  | ChatMessageEvent
  | WarningEvent
  | WaitingForHostEvent
  | RecordingGapEvent
  | RecordingUploadedEvent
  | RecordingOutcomeEvent;

/** Lines only events.jsonl holds, about the reporting itself: never announced to webhooks or realtime. */
export type RecordOnlyEvent = WebhookDeliveryEvent;

export type LoggedEvent = BotEvent | RecordOnlyEvent;

/** Someone in the meeting, as events name them: the platform's id where the page has one, else the name. */
export interface ParticipantRef {
  id: string;
  name: string;
}

export type ParticipantEventKind = 'join' | 'leave' | 'speech_on' | 'speech_off';

export interface ParticipantEvent {
  event: `participant_events.${ParticipantEventKind}`;
  created_at: string;
  participant: ParticipantRef;
}

export interface ChatMessageEvent {
  event: 'participant_events.chat_message';
  created_at: string;
  participant: ParticipantRef;
  data: { text: string; to: 'everyone' };
}

/**
 * `unsupported_fields`: accepted body fields the bot does not act on; `chat_not_sent`: a chat message failed;
 * `recording_not_uploaded`: a recording file did not reach the bucket (it stays in the output folder).
 */
export type WarningEvent =
  | { event: 'bot.warning'; created_at: string; kind: 'unsupported_fields'; message: string; fields: { path: string; reason: string }[] }
  | { event: 'bot.warning'; created_at: string; kind: 'chat_not_sent'; message: string }
  | { event: 'bot.warning'; created_at: string; kind: 'recording_not_uploaded'; message: string; file: string; uri: string };

/** The page says the host has not started the meeting (once, while `joining_call`). */
export interface WaitingForHostEvent {
  event: 'bot.waiting_for_host';
  created_at: string;
}

/** ffmpeg died or stalled and was restarted: this much of the meeting is missing from the recording. */
export interface RecordingGapEvent {
  event: 'recording.gap';
  created_at: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  reason: string;
}

/** Seconds since the recording started (its first audio, about the file's time 0). */
export interface RecordingSpan {
  start_sec: number;
  end_sec: number;
}

/** The recording's health, per track (outputs/recordingHealth.ts computes it; docs/outputs.md describes it). */
export interface RecordingHealth {
  /** The file's length against the time the bot recorded (start to stop), seconds. */
  duration_sec: number;
  wall_clock_sec: number;
  /** Stretches the recorder lost (a restarted ffmpeg). */
  gaps: { start_sec: number; duration_sec: number }[];
  audio: {
    /** Share of the recording's audio under the silence threshold (0..1). */
    silence_share: number;
    /** Time anyone else spoke while the bot recorded (the page's speaking indicators). */
    speaking_sec: number;
    /** Of it, the time the recording held no sound. */
    silent_while_speaking_sec: number;
  };
  /** null for an audio-only recording. */
  video: {
    longest_freeze_sec: number;
    freezes: RecordingSpan[];
    /** Frozen time while the meeting's own video moved; null without the page's motion timeline. */
    frozen_while_moving_sec: number | null;
    /** Frames expected (duration × fps) minus frames in the file; null when the file's header does not count them. */
    frames_dropped: number | null;
    /** The audio stream's start minus the video stream's, ms; null without both streams. */
    av_offset_ms: number | null;
  } | null;
}

/**
 * Recall's `recording.done` / `recording.failed`: once the recording has stopped and been finalised, before the
 * final status. `failed` carries a health verdict, or `recording_failed` (ffmpeg gave up, or the segments could
 * not be joined: they are kept).
 */
export type RecordingOutcomeEvent =
  | { event: 'recording.done'; created_at: string; sub_code: null; file: string; health: RecordingHealth }
  | { event: 'recording.failed'; created_at: string; sub_code: RecordingVerdict | 'recording_failed'; reason: string; file: string | null; health: RecordingHealth | null };

/** A recording file is complete in the bucket the body named (`external_media_storage_settings`). */
export interface RecordingUploadedEvent {
  event: 'recording.uploaded';
  created_at: string;
  /** The segment file whose bytes the object holds. */
  file: string;
  bucket: string;
  key: string;
  /** `s3://<bucket>/<key>` */
  uri: string;
  size_bytes: number;
  /** The store's ETag of the completed object. */
  etag: string;
}

export type DeliveryStatus = 'delivered' | 'failed_attempt' | 'gave_up' | 'undelivered';

export interface WebhookDeliveryEvent {
  event: 'webhook.delivery';
  created_at: string;
  webhook_id: string;
  /** The event delivered: `bot.<code>`, `recording.done` or `recording.failed`. */
  bot_event: string;
  /** The endpoint without its query (tokens stay out of the log). */
  endpoint: string;
  status: DeliveryStatus;
  attempts: number;
  http_status?: number;
  error?: string;
}

export function isStatusEvent(e: LoggedEvent): e is StatusEvent {
  return 'code' in e && e.event === `bot.${e.code}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
