/**
 * Recall.ai's realtime endpoints in the Create Bot body (bot-api.md 6.1): where participant events, transcripts
 * and audio go while the bot is in the call, and which events each endpoint takes.
 */
import { z } from 'zod';
import { doc, httpsUrl, MAX_LIST, stringMap, url, wsUrl } from './fields.js';

export const RECALL_PARTICIPANT_EVENTS = [
  'participant_events.join',
  'participant_events.leave',
  'participant_events.update',
  'participant_events.speech_on',
  'participant_events.speech_off',
  'participant_events.webcam_on',
  'participant_events.webcam_off',
  'participant_events.screenshare_on',
  'participant_events.screenshare_off',
  'participant_events.chat_message',
] as const;
export const RECALL_WEBSOCKET_EVENTS = [
  ...RECALL_PARTICIPANT_EVENTS,
  'transcript.data',
  'transcript.partial_data',
  'audio_mixed_raw.data',
  'audio_separate_raw.data',
  'video_separate_png.data',
  'video_separate_h264.data',
] as const;
const RECALL_WEBHOOK_EVENTS = [...RECALL_PARTICIPANT_EVENTS, 'transcript.data'] as const;

const endpointMetadata = doc(
  stringMap(50, 1000).optional(),
  'String-to-string metadata echoed in every payload sent to this endpoint (`realtime_endpoint.metadata`).',
  {},
);
const endpointEvents = <T extends readonly [string, ...string[]]>(events: T, what: string) =>
  doc(z.array(z.enum(events)).min(1).max(MAX_LIST), `Events delivered to this endpoint; ${what}.`);

export const realtimeEndpoint = z.discriminatedUnion('type', [
  z.strictObject({
    type: doc(z.literal('websocket'), 'JSON text frames over a websocket the bot connects to.'),
    url: doc(wsUrl(), 'ws:// or wss:// URL; put a secret token in the query, the bot connects to it unchanged.'),
    events: endpointEvents(RECALL_WEBSOCKET_EVENTS, 'audio_mixed_raw.data needs recording_config.audio_mixed_raw'),
    metadata: endpointMetadata,
  }),
  z.strictObject({
    type: doc(z.literal('webhook'), 'HTTPS POST per event (participant events and transcript only).'),
    url: doc(httpsUrl(), 'https:// URL that receives one POST per event.'),
    events: endpointEvents(RECALL_WEBHOOK_EVENTS, 'only participant_events.* and transcript.data'),
    metadata: endpointMetadata,
  }),
  z.strictObject({
    type: doc(z.literal('rtmp'), 'Mixed FLV stream (needs recording_config.video_mixed_flv).'),
    url: doc(url(['rtmp', 'rtmps'], ''), 'rtmp:// or rtmps:// destination.'),
    events: doc(
      z.array(z.literal('video_mixed_flv.data')).min(1).max(1).optional(),
      'Stream carried; only the mixed FLV exists.',
      ['video_mixed_flv.data'],
    ),
    metadata: endpointMetadata,
  }),
]);
