import type { ParticipantEventKind } from '../events/botEvents.js';
import type { RealtimeEndpoint } from '../config/botSpec.js';

/**
 * The JSON text frames of realtime websocket endpoints (bot-api.md 6.2 and 6.4). Pure: the hub decides who
 * gets what, these only say what it looks like.
 */
export const RECALL_AUDIO_EVENT = 'audio_mixed_raw.data';
export const ATTENDEE_AUDIO_TRIGGER = 'realtime_audio.mixed';
/** Recall's realtime audio is always S16LE mono at this rate; it is also what capture hands us. */
export const CAPTURE_SAMPLE_RATE = 16_000;

/** Every participant event Recall's realtime dialect carries: presence and speech, and chat messages. */
export type RealtimeParticipantKind = ParticipantEventKind | 'chat_message';

export interface Ref {
  id: string;
  metadata: Record<string, string>;
}

/** The resources every Recall payload names besides its own body. */
export interface RecallRefs {
  realtime_endpoint: Ref;
  recording: Ref;
  bot: Ref;
  audio_mixed: Ref;
  participant_events: Ref;
}

export interface RecallParticipant {
  /** Recall's participant id is a number; ours are strings, so the hub numbers them (see `extra_data`). */
  id: number;
  name: string | null;
  is_host: boolean;
  platform: string | null;
  extra_data: Record<string, unknown>;
}

export function wantsAudio(ep: RealtimeEndpoint): boolean {
  return ep.events.includes(ep.format === 'attendee' ? ATTENDEE_AUDIO_TRIGGER : RECALL_AUDIO_EVENT);
}

/** Attendee's websocket carries audio only; participant events exist only in Recall's dialect. */
export function wantsParticipantEvent(ep: RealtimeEndpoint, kind: RealtimeParticipantKind): boolean {
  return ep.format === 'recall' && ep.events.includes(`participant_events.${kind}`);
}

export function recallAudioFrame(
  refs: RecallRefs,
  bufferBase64: string,
  at: { relativeSec: number; capturedAt: Date },
): string {
  return JSON.stringify({
    event: RECALL_AUDIO_EVENT,
    data: {
      data: {
        buffer: bufferBase64,
        timestamp: { relative: at.relativeSec, absolute: at.capturedAt.toISOString() },
      },
      realtime_endpoint: refs.realtime_endpoint,
      audio_mixed: refs.audio_mixed,
      recording: refs.recording,
      bot: refs.bot,
    },
  });
}

export function recallParticipantFrame(
  refs: RecallRefs,
  kind: RealtimeParticipantKind,
  participant: RecallParticipant,
  at: { relativeSec: number; capturedAt: Date },
  data: { text: string; to: string } | null,
): string {
  return JSON.stringify({
    event: `participant_events.${kind}`,
    data: {
      data: {
        participant,
        timestamp: { absolute: at.capturedAt.toISOString(), relative: at.relativeSec },
        data: kind === 'chat_message' ? data : null,
      },
      realtime_endpoint: refs.realtime_endpoint,
      participant_events: refs.participant_events,
      recording: refs.recording,
      bot: refs.bot,
    },
  });
}

export function attendeeAudioFrame(
  botId: string,
  chunkBase64: string,
  sampleRate: number,
  /** Unix ms of the chunk's first sample. */
  timestampMs: number,
): string {
  return JSON.stringify({
    bot_id: botId,
    trigger: ATTENDEE_AUDIO_TRIGGER,
    data: { chunk: chunkBase64, sample_rate: sampleRate, timestamp_ms: timestampMs },
  });
}
