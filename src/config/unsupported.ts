/**
 * Body fields meetbot accepts (so a Recall or Attendee client keeps working) but does not act on. They are
 * reported together in one warning, each with the reason, instead of being silently ignored.
 *
 * Acted on: bot_name, meeting_url, the recording mode/resolution/fps/layout/screenshare view, the join chat message to
 * everyone, automatic_leave / automatic_leave_settings, websocket realtime endpoints (audio and participant
 * events), websocket_settings.audio, webhooks, metadata, external_media_storage_settings. Everything else present
 * in a body is listed here.
 */
import type { UnsupportedField } from './errors.js';
import { formatPath } from './errors.js';
import type { BotConfig } from './schema.js';

/**
 * Recall realtime events the runtime produces: the mixed audio and the participant events it sees on the
 * page (joins, leaves, speaking indicators, chat). No transcription, per-participant media, webcam or
 * screenshare events.
 */
const PRODUCED_REALTIME_EVENTS = new Set([
  'audio_mixed_raw.data',
  'participant_events.join',
  'participant_events.leave',
  'participant_events.speech_on',
  'participant_events.speech_off',
  'participant_events.chat_message',
]);
export function isProducedRealtimeEvent(event: string): boolean {
  return PRODUCED_REALTIME_EVENTS.has(event);
}

/** Webhooks carry status changes only; every other Attendee trigger is accepted and reported. */
const UNPRODUCED_TRIGGERS: Record<string, string> = {
  'transcript.update': 'meetbot does not transcribe',
  'calendar.events_update': 'meetbot has no calendar integration',
  'calendar.state_change': 'meetbot has no calendar integration',
  'bot_logs.update': 'bot logs go to bot.log in the output folder, not to webhooks',
  'chat_messages.update': 'chat goes to chat.jsonl, events.jsonl and realtime endpoints, not to webhooks',
  'participant_events.join_leave': 'participant events go to events.jsonl and realtime endpoints, not to webhooks',
  'participant_events.speech_start_stop': 'speech events are not produced',
};
export function isProducedWebhookTrigger(trigger: string): boolean {
  return !(trigger in UNPRODUCED_TRIGGERS);
}

const present = (v: unknown) => v !== undefined && v !== null;
const isTrue = (v: unknown) => v === true;

interface Rule {
  path: string;
  reason: string;
  /** When the value counts as "asked for"; default: present and not null. */
  when?: (value: unknown) => boolean;
}

const WEB_CLIENT = 'meetbot always joins through the web client, one bot per process';
const NO_OUTPUT = 'the bot does not output media into the meeting';
const RECORDED_ANYWAY = 'meetbot always records it; it cannot be turned off';

const RULES: Rule[] = [
  { path: 'output_media', reason: `${NO_OUTPUT} (no webpage camera or screenshare)` },
  { path: 'automatic_video_output', reason: `${NO_OUTPUT} (no camera image)` },
  { path: 'automatic_audio_output', reason: `${NO_OUTPUT} (no audio playback)` },
  { path: 'chat.on_bot_join.pin', reason: 'messages are not pinned', when: isTrue },
  { path: 'chat.on_participant_join', reason: 'only the join message is sent' },
  { path: 'zoom.user_email', reason: 'registration-required webinars are not supported' },

  { path: 'breakout_room', reason: 'breakout rooms are not handled; the bot stays where it joined' },
  { path: 'recording_config.transcript', reason: 'meetbot does not transcribe' },
  { path: 'recording_config.retention', reason: 'media retention belongs to whoever stores the output folder' },
  {
    path: 'recording_config.start_recording_on',
    reason: 'recording always starts when the bot is in the call',
    when: (v) => present(v) && v !== 'call_join',
  },
  {
    path: 'recording_config.include_bot_in_recording.audio',
    reason: 'the bot outputs no audio to record',
    when: isTrue,
  },
  { path: 'recording_config.participant_events', reason: RECORDED_ANYWAY, when: (v) => v === null },
  { path: 'recording_config.meeting_metadata', reason: RECORDED_ANYWAY, when: (v) => v === null },
  { path: 'recording_config.audio_separate_raw', reason: 'no per-participant audio' },
  { path: 'recording_config.video_separate_mp4', reason: 'no per-participant video' },
  { path: 'recording_config.video_separate_png', reason: 'no per-participant video' },
  { path: 'recording_config.video_mixed_flv', reason: 'no RTMP streaming' },
  {
    path: 'automatic_leave.recording_permission_denied_timeout',
    reason: 'screen capture needs no recording permission',
  },
  { path: 'bot_image', reason: `${NO_OUTPUT} (no camera image)` },
  { path: 'deduplication_key', reason: 'deduplication belongs to the control plane that starts bots' },
  { path: 'debug_settings.create_debug_recording', reason: 'no separate debug recording (see bot.log)', when: isTrue },
  { path: 'google_meet_settings.ui_interaction_mode', reason: 'the adapter decides how it drives the page' },
  { path: 'zoom_settings.sdk', reason: WEB_CLIENT },
  { path: 'zoom_settings.meeting_settings', reason: 'host-only meeting settings need the native SDK' },
  {
    path: 'zoom_settings.onbehalf_token',
    reason: 'meetbot keeps no Zoom OAuth connections to mint on-behalf tokens from: return one as onbehalf_token from callback_settings.zoom_tokens_url',
  },
  { path: 'voice_agent_settings', reason: `${NO_OUTPUT} (no voice agent page)` },
  { path: 'transcription_settings', reason: 'meetbot does not transcribe' },
  { path: 'rtmp_settings', reason: 'no RTMP streaming' },
  { path: 'recording_settings.record_chat_messages_when_paused', reason: 'recording is never paused', when: isTrue },
  {
    path: 'recording_settings.record_async_transcription_audio_chunks',
    reason: 'meetbot does not transcribe',
    when: isTrue,
  },
  {
    path: 'recording_settings.record_participant_speech_start_stop_events',
    reason: 'speech events are not recorded separately',
    when: isTrue,
  },
  { path: 'recording_settings.reserve_additional_storage', reason: 'storage is the output folder', when: isTrue },
  {
    path: 'automatic_leave_settings.enable_closed_captions_timeout_seconds',
    reason: 'meetbot does not enable captions',
  },
  { path: 'websocket_settings.per_participant_audio', reason: 'no per-participant audio' },
  { path: 'websocket_settings.per_participant_video', reason: 'no per-participant video' },
];

function valueAt(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function dynamicFields(body: BotConfig): UnsupportedField[] {
  const out: UnsupportedField[] = [];
  for (const [platform, variant] of Object.entries(body.variant ?? {})) {
    if (variant !== undefined && variant !== 'web') out.push({ path: `variant.${platform}`, reason: WEB_CLIENT });
  }
  for (const key of Object.keys(body.webex ?? {})) {
    if (key !== 'password') out.push({ path: `webex.${key}`, reason: 'Webex-specific parameters other than password are not acted on' });
  }
  const attendee = body.recording_settings;
  if (body.external_media_storage_settings && attendee?.format === 'none') {
    out.push({ path: 'external_media_storage_settings', reason: 'nothing is recorded (recording_settings.format "none"), so nothing is uploaded' });
  }
  const sendTo = body.chat?.on_bot_join?.send_to;
  if (sendTo !== undefined && sendTo !== 'everyone') {
    out.push({
      path: 'chat.on_bot_join.send_to',
      reason: 'only messages to everyone are sent; this one is not sent, so a private message never goes to everyone',
    });
  }
  const to = body.bot_chat_message?.to;
  if (to !== undefined && to !== 'everyone') {
    out.push({
      path: 'bot_chat_message.to',
      reason: 'only messages to everyone are sent; this one is not sent, so a private message never goes to everyone',
    });
  }
  (body.recording_config?.realtime_endpoints ?? []).forEach((endpoint, i) => {
    if (endpoint.type !== 'websocket') {
      out.push({
        path: formatPath(['recording_config', 'realtime_endpoints', i]),
        reason: `${endpoint.type} realtime endpoints are not supported; use a websocket endpoint`,
      });
      return;
    }
    endpoint.events.forEach((event, j) => {
      if (!isProducedRealtimeEvent(event)) {
        out.push({
          path: formatPath(['recording_config', 'realtime_endpoints', i, 'events', j]),
          reason: `${event} is not produced (only audio_mixed_raw.data and participant_events.join, leave, speech_on, speech_off and chat_message are)`,
        });
      }
    });
  });
  (body.webhooks ?? []).forEach((webhook, i) =>
    webhook.triggers.forEach((trigger, j) => {
      const why = UNPRODUCED_TRIGGERS[trigger];
      if (why)
        out.push({ path: formatPath(['webhooks', i, 'triggers', j]), reason: `${trigger} is never sent: ${why}` });
    }),
  );
  return out;
}

export function unsupportedFields(body: BotConfig): UnsupportedField[] {
  const fixed = RULES.filter((r) => (r.when ?? present)(valueAt(body, r.path))).map(({ path, reason }) => ({
    path,
    reason,
  }));
  return [...fixed, ...dynamicFields(body)];
}
