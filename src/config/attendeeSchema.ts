/**
 * The Attendee part of the Create Bot body (bot-api.md 2.3, 3.2, 5, 6.4, 8.3): unknown keys rejected as Attendee
 * does, its defaults, "must be a positive integer" for every leave timer.
 */
import { Buffer } from 'node:buffer';
import { z } from 'zod';
import {
  ATTENDEE_AUTHORIZED_USER_TIMEOUT_DEFAULT,
  ATTENDEE_LEAVE_DEFAULTS as A,
  DEFAULT_RESOLUTION,
  DEFAULT_SAMPLE_RATE,
} from './defaults.js';
import {
  BASE64,
  base64,
  BMP_ERROR,
  BMP_ONLY,
  doc,
  httpsUrl,
  MAX_LIST,
  MAX_SHORT_TEXT,
  notifyUrl,
  positiveInt,
  url,
  wsUrl,
} from './fields.js';

/** S3's bucket naming rules (virtual-host safe): the name goes into the store's hostname or path. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A file's key: no path segment that climbs (`..`) or vanishes (`.`, `//`, a leading or trailing `/`) in a path-style URL, no controls. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const OBJECT_KEY = /^(?!\/)(?!.*\/$)(?!.*(?:^|\/)\.{1,2}(?:\/|$))(?!.*\/\/)[^\u0000-\u001f\u007f]+$/;

export const ATTENDEE_WEBHOOK_TRIGGERS = [
  'bot.state_change',
  'transcript.update',
  'chat_messages.update',
  'participant_events.join_leave',
  'participant_events.speech_start_stop',
  'calendar.events_update',
  'calendar.state_change',
  'bot_logs.update',
] as const;

const automaticLeaveSettings = z.strictObject({
  silence_timeout_seconds: doc(
    positiveInt().optional(),
    'Leave after this much silence (auto_leave_silence).',
    A.silence.timeout,
  ),
  silence_activate_after_seconds: doc(
    positiveInt().optional(),
    'The silence rule arms this long after joining.',
    A.silence.activate_after,
  ),
  only_participant_in_meeting_timeout_seconds: doc(
    positiveInt().optional(),
    'Leave this long after the last non-bot participant left (auto_leave_only_participant_in_meeting).',
    A.everyone_left.timeout,
  ),
  wait_for_host_to_start_meeting_timeout_seconds: doc(
    positiveInt().optional(),
    'Give up waiting for the host to start the meeting (meeting_not_started_waiting_for_host).',
    A.wait_for_host_timeout,
  ),
  waiting_room_timeout_seconds: doc(
    positiveInt().optional(),
    'Give up in the waiting room (waiting_room_timeout_exceeded).',
    A.waiting_room_timeout,
  ),
  max_uptime_seconds: doc(
    positiveInt().nullable().optional(),
    'Leave this long after joining (auto_leave_max_uptime_exceeded); null = no limit.',
    A.max_uptime,
  ),
  enable_closed_captions_timeout_seconds: doc(
    positiveInt().nullable().optional(),
    'Leave when captions could not be enabled in time; null = never.',
    null,
  ),
  authorized_user_not_in_meeting_timeout_seconds: doc(
    positiveInt().optional(),
    'Zoom on-behalf token: leave when the authorized user is absent this long.',
    ATTENDEE_AUTHORIZED_USER_TIMEOUT_DEFAULT,
  ),
  bot_keywords: doc(
    z.array(z.string().min(1).max(MAX_SHORT_TEXT)).max(MAX_LIST).nullable().optional(),
    'Participants whose name contains one of these as whole words (split on space, - and _, case-insensitive) are ignored by the only-participant rule.',
    null,
  ),
});

const recordingSettings = z.strictObject({
  format: doc(
    z.enum(['mp4', 'mp3', 'none']).optional(),
    'mp4 = video and audio, mp3 = audio only, none = no recording.',
    'mp4',
  ),
  resolution: doc(
    z.enum(['1080p', '720p']).optional(),
    'Video frame size. meetbot defaults to 720p (Attendee itself defaults to 1080p).',
    DEFAULT_RESOLUTION,
  ),
  view: doc(
    z.enum(['speaker_view', 'gallery_view', 'speaker_view_no_sidebar']).optional(),
    'Meeting layout recorded: the active speaker with the others beside (Meet Sidebar), everyone in a grid (Tiled), or the active speaker alone (Spotlight).',
    'speaker_view',
  ),
  record_chat_messages_when_paused: doc(z.boolean().optional(), 'Keep recording chat while paused.', false),
  record_async_transcription_audio_chunks: doc(
    z.boolean().optional(),
    'Store audio chunks for async transcription.',
    false,
  ),
  record_participant_speech_start_stop_events: doc(z.boolean().optional(), 'Record speech start/stop events.', false),
  reserve_additional_storage: doc(
    z.boolean().optional(),
    'Reserve storage for recordings over 6 h (Kubernetes).',
    false,
  ),
});

const IMAGE_MAGIC: Record<string, [name: string, magic: number[]]> = {
  'image/png': ['PNG', [0x89, 0x50, 0x4e, 0x47]],
  'image/jpeg': ['JPEG', [0xff, 0xd8, 0xff]],
};
const botImage = z
  .strictObject({
    type: doc(z.enum(['image/png', 'image/jpeg']), 'MIME type of the image.'),
    data: doc(base64(10_000_000), 'Base64 image data (decoded to validate).'),
  })
  .superRefine((img, ctx) => {
    if (!BASE64.test(img.data)) return; // already reported by the data field itself
    const head = Buffer.from(img.data.slice(0, 16), 'base64');
    const [name, magic] = IMAGE_MAGIC[img.type] ?? ['', []];
    if (!magic.every((byte, i) => head[i] === byte)) {
      ctx.addIssue({
        code: 'custom',
        path: ['data'],
        message: `does not decode to a ${name} image (type is ${img.type})`,
      });
    }
  });

const loginMode = doc(z.enum(['always', 'only_if_required']).optional(), 'When to sign in.', 'always');
const loginGroup = doc(z.string().min(1).max(MAX_SHORT_TEXT).nullable().optional(), 'Login group to use.', null);

const websocketSettings = z.strictObject({
  audio: doc(
    z
      .strictObject({
        url: doc(wsUrl(), 'ws:// or wss:// URL receiving realtime_audio.mixed frames.'),
        sample_rate: doc(z.literal([8000, 16000, 24000]).optional(), 'PCM sample rate in Hz.', DEFAULT_SAMPLE_RATE),
      })
      .optional(),
    'Mixed meeting audio as base64 16-bit mono PCM (realtime_audio.mixed).',
  ),
  per_participant_audio: doc(
    z
      .strictObject({
        url: doc(wsUrl(), 'ws:// or wss:// URL.'),
        sample_rate: doc(z.literal([8000, 16000]).optional(), 'PCM sample rate in Hz.', DEFAULT_SAMPLE_RATE),
      })
      .optional(),
    'Per-participant audio (realtime_audio.per_participant).',
  ),
  per_participant_video: doc(
    z
      .strictObject({
        url: doc(wsUrl(), 'ws:// or wss:// URL.'),
        webcam_resolution: doc(z.enum(['none', '360p', '720p', '1080p']).optional(), 'Webcam frames size.', '360p'),
        screenshare_resolution: doc(
          z.enum(['none', '360p', '720p', '1080p']).optional(),
          'Screenshare frames size.',
          '360p',
        ),
      })
      .refine((v) => !(v.webcam_resolution === 'none' && v.screenshare_resolution === 'none'), {
        error: 'webcam_resolution and screenshare_resolution cannot both be none',
      })
      .optional(),
    'Per-participant JPEG frames (realtime_video.per_participant).',
  ),
});

const webhook = z.strictObject({
  url: doc(notifyUrl(), 'https:// URL receiving the status webhooks: Recall envelope, Standard Webhooks signature (see Outputs).'),
  triggers: doc(
    z
      .array(z.enum(ATTENDEE_WEBHOOK_TRIGGERS))
      .min(1)
      .refine((t) => new Set(t).size === t.length, { error: 'must not repeat a trigger' }),
    'Events delivered to this webhook (unique, at least one).',
  ),
});

export const attendeeShape = {
  bot_chat_message: doc(
    z
      .strictObject({
        to: doc(
          z.enum(['everyone', 'specific_user', 'everyone_but_host']).optional(),
          'Recipients; meetbot sends only to everyone.',
          'everyone',
        ),
        to_user_uuid: doc(
          z.string().min(1).max(MAX_SHORT_TEXT).nullable().optional(),
          'Recipient when to is specific_user.',
        ),
        message: doc(
          z.string().min(1).max(9999).regex(BMP_ONLY, { error: BMP_ERROR }),
          'Text sent after the bot joins (under 10000 characters, no characters above U+FFFF).',
        ),
      })
      .refine((m) => m.to !== 'specific_user' || !!m.to_user_uuid, {
        error: 'to_user_uuid is required when to is specific_user',
        path: ['to_user_uuid'],
      }),
    'Attendee join chat message. Exclusive with chat.on_bot_join.',
  ),
  automatic_leave_settings: doc(
    automaticLeaveSettings,
    'Attendee automatic-leave rules, each a positive integer of seconds (section 3.2). Exclusive with automatic_leave.',
  ),
  recording_settings: doc(
    recordingSettings,
    'Attendee recording settings (section 5). Exclusive with recording_config.',
  ),
  bot_image: doc(botImage, 'Image the bot shows as its camera.'),
  deduplication_key: doc(z.string().min(1).max(1024), 'Key for deduplicating bots (1..1024 characters).'),
  calendar_event_id: doc(
    z.string().min(1).max(MAX_SHORT_TEXT),
    'Calendar event to join. Exclusive with meeting_url and join_at; meetbot has no calendars.',
  ),
  callback_settings: doc(
    z.strictObject({ zoom_tokens_url: doc(notifyUrl(), 'https:// URL the bot POSTs a signed JSON body to right before it joins; it answers {"zak_token", "join_token", "onbehalf_token"} (404: no tokens).') }),
    'Callback URLs the bot calls to fetch data.',
  ),
  debug_settings: doc(
    z.strictObject({
      create_debug_recording: doc(z.boolean().optional(), 'Record the bot screen for debugging.', false),
    }),
    'Debug settings.',
  ),
  external_media_storage_settings: doc(
    z.strictObject({
      bucket_name: doc(
        z.string().min(3).max(63).regex(BUCKET_NAME, { error: 'must be an S3 bucket name: 3..63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit' }),
        'Bucket of the S3-compatible store the operator configured (MEETBOT_S3_ENDPOINT); the credentials are the operator\'s.',
      ),
      recording_file_name: doc(
        z.string().min(1).max(1024).regex(OBJECT_KEY, { error: 'must be an object key: no control characters, no leading or trailing "/", no empty, "." or ".." segments' }).optional(),
        'Object key of the recording; default `<bot id>.mp4` (`.m4a`, `.mp3` for audio-only recordings).',
      ),
    }),
    'Upload the recording to a bucket while it is recorded (see External storage in outputs.md).',
  ),
  google_meet_settings: doc(
    z.strictObject({
      use_login: doc(z.boolean().optional(), 'Join signed in.', false),
      login_mode: loginMode,
      ui_interaction_mode: doc(
        z.enum(['robotic', 'humanized']).optional(),
        'How the bot drives the page (robotic when use_login).',
        'humanized',
      ),
      login_group_name: loginGroup,
    }),
    'Google Meet-specific settings. Exclusive with google_meet.',
  ),
  teams_settings: doc(
    z.strictObject({
      use_login: doc(z.boolean().optional(), 'Join signed in.', false),
      login_mode: loginMode,
      login_group_name: loginGroup,
    }),
    'Microsoft Teams settings: with use_login the bot signs in to Microsoft with the credential its runtime was given.',
  ),
  zoom_settings: doc(
    z.strictObject({
      sdk: doc(z.enum(['native', 'web']).optional(), 'Zoom client used.', 'native'),
      meeting_settings: doc(
        z.record(z.string().max(MAX_SHORT_TEXT), z.unknown()).optional(),
        'Host-only meeting toggles.',
      ),
      onbehalf_token: doc(
        z
          .strictObject({
            zoom_oauth_connection_user_id: doc(z.string().min(1).max(MAX_SHORT_TEXT), 'Zoom OAuth user.'),
          })
          .optional(),
        'Join on behalf of a Zoom user.',
      ),
    }),
    'Zoom-specific settings.',
  ),
  voice_agent_settings: doc(
    z
      .strictObject({
        url: doc(httpsUrl().optional(), 'Webpage used as the bot camera.'),
        screenshare_url: doc(httpsUrl().optional(), 'Webpage used as a screenshare.'),
        reserve_resources: doc(z.boolean().optional(), 'Reserve resources for the agent.', false),
      })
      .refine((v) => !(v.url && v.screenshare_url), { error: 'url and screenshare_url cannot both be set' }),
    'Voice agent webpage.',
  ),
  transcription_settings: doc(
    z
      .record(
        z.string().regex(/^[a-z0-9_]{1,64}$/, { error: 'must be a provider name such as deepgram' }),
        z.record(z.string(), z.unknown()),
      )
      .refine((p) => Object.keys(p).length === 1, { error: 'must name exactly one provider' }),
    'Exactly one transcription provider, e.g. {"meeting_closed_captions": {}}.',
  ),
  rtmp_settings: doc(
    z.strictObject({
      destination_url: doc(url(['rtmp', 'rtmps'], ''), 'rtmp:// or rtmps:// destination.'),
      stream_key: doc(z.string().max(1024), 'Stream key.'),
    }),
    'Stream instead of recording to a file.',
  ),
  websocket_settings: doc(websocketSettings, 'Attendee realtime websockets (section 6.4).'),
  webhooks: doc(z.array(webhook).max(2), 'Bot-level webhooks (at most 2; they replace project webhooks).'),
};
