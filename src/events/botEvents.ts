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
  | RecordingUploadedEvent;

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
  /** The `bot.<code>` event delivered. */
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
