/**
 * The Recall.ai v1.11 part of the Create Bot body (bot-api.md 2.1, 2.2, 3.1, 4, 6.1): every nested object
 * strict, with Recall's documented defaults and minimums.
 */
import { z } from 'zod';
import {
  RECALL_BOT_DETECTION_DEFAULTS as BD,
  RECALL_LEAVE_DEFAULTS as R,
  RECALL_RECORDING_PERMISSION_DENIED_DEFAULT,
  RECORDING_DEFAULTS,
  DEFAULT_RESOLUTION,
} from './defaults.js';
import {
  base64,
  doc,
  httpsUrl,
  MAX_LIST,
  MAX_SHORT_TEXT,
  mediaSwitch,
  notifyUrl,
  seconds,
} from './fields.js';
import { realtimeEndpoint } from './recallRealtimeSchema.js';

// ---- recording_config (2.2); realtime endpoints (6.1) are in recallRealtimeSchema.ts ----------------------------------------------------

const transcriptConfig = z.strictObject({
  provider: doc(
    z
      .record(
        z.string().regex(/^[a-z0-9_]{1,64}$/, { error: 'must be a provider name such as deepgram_streaming' }),
        z.record(z.string(), z.unknown()),
      )
      .refine((p) => Object.keys(p).length === 1, { error: 'must name exactly one provider' }),
    'Exactly one provider key with its options, e.g. {"meeting_captions": {}} or {"deepgram_streaming": {...}}.',
  ),
  diarization: doc(
    z
      .strictObject({
        use_separate_streams_when_available: doc(
          z.boolean().optional(),
          'Diarise from per-participant streams.',
          false,
        ),
      })
      .nullable()
      .optional(),
    'Diarization options.',
  ),
});

const recordingConfig = z.strictObject({
  transcript: doc(transcriptConfig.nullable().optional(), 'Transcription provider and options.', null),
  realtime_endpoints: doc(
    z.array(realtimeEndpoint).max(10).optional(),
    'Where realtime events go: websocket (ws/wss), webhook (https) or rtmp endpoints.',
    [],
  ),
  retention: doc(
    z
      .strictObject({
        type: doc(z.enum(['timed', 'forever']), 'Keep media for `hours` (timed) or forever.'),
        hours: doc(z.int().min(1).optional(), 'Hours to keep media when type is timed.', 168),
      })
      .nullable()
      .optional(),
    'How long Recall keeps the media.',
    { type: 'timed', hours: 168 },
  ),
  video_mixed_layout: doc(
    z.enum(['speaker_view', 'gallery_view', 'gallery_view_v2', 'audio_only']).optional(),
    'Layout of the mixed recording: the active speaker large with the others beside, or everyone in a grid (gallery_view_v2 is gallery_view); audio_only records no video.',
    'speaker_view',
  ),
  video_mixed_mp4: doc(
    z
      .strictObject({
        resolution: doc(
          z.enum(['720p', '1080p']).optional(),
          'meetbot extension: frame size of the mixed MP4 (720p = 1280x720, 1080p = 1920x1080).',
          DEFAULT_RESOLUTION,
        ),
        fps: doc(
          z.int().min(1).max(60).optional(),
          'meetbot extension: frames per second, 1..60.',
          RECORDING_DEFAULTS.fps,
        ),
      })
      .nullable()
      .optional(),
    'Mixed MP4 recording, on by default ({}). null turns video off: audio_only when audio_mixed_raw is set, otherwise no recording.',
    {},
  ),
  participant_events: mediaSwitch('Participant events artifact ({} = on). meetbot always records them.', {}),
  meeting_metadata: mediaSwitch('Meeting metadata artifact ({} = on). meetbot always records it.', {}),
  video_mixed_participant_video_when_screenshare: doc(
    z.enum(['hide', 'beside', 'overlap']).optional(),
    'Participant video while someone shares their screen: not shown, in a column beside the share, or the active speaker small over it.',
    'overlap',
  ),
  start_recording_on: doc(
    z.enum(['call_join', 'participant_join', 'participant_speak']).optional(),
    'When recording starts; meetbot acts only on call_join (other values are reported in the unsupported-fields warning).',
    'call_join',
  ),
  include_bot_in_recording: doc(
    z.strictObject({ audio: doc(z.boolean().optional(), "Record the bot's own audio output.", false) }).optional(),
    "Whether the bot's own output is in the recording.",
    { audio: false },
  ),
  audio_mixed_raw: mediaSwitch(
    'Raw mixed audio (16 kHz S16LE mono); required for the audio_mixed_raw.data realtime event.',
  ),
  audio_separate_raw: mediaSwitch('Raw per-participant audio (limited platforms).'),
  video_separate_mp4: mediaSwitch('Per-participant MP4 (only with gallery_view_v2).'),
  video_separate_png: mediaSwitch('Per-participant PNG frames (only with gallery_view_v2).'),
  video_mixed_flv: mediaSwitch('Mixed FLV, required for RTMP endpoints.'),
});

// ---- automatic_leave (3.1) ---------------------------------------------------------------------------

const timedRule = (
  minTimeout: number,
  minActivate: number,
  what: string,
  def: { timeout: number; activate_after: number },
) =>
  z.strictObject({
    timeout: doc(seconds(minTimeout).optional(), `Seconds ${what} before leaving (min ${minTimeout}).`, def.timeout),
    activate_after: doc(
      seconds(minActivate).optional(),
      `Seconds after joining before the rule is armed (min ${minActivate}).`,
      def.activate_after,
    ),
  });

/** Plain seconds (older Recall docs) or {timeout, activate_after} (v1.11). */
const secondsOrTimed = (min: number, what: string, def: { timeout: number; activate_after: number }) =>
  z.union([seconds(min), timedRule(min, 0, what, def)], {
    error: `must be an integer >= ${min} or an object {timeout, activate_after}`,
  });

const automaticLeave = z.strictObject({
  waiting_room_timeout: doc(
    secondsOrTimed(30, 'in the waiting room', { timeout: R.waiting_room_timeout, activate_after: 0 }).optional(),
    'Leave when not admitted within this many seconds (timeout_exceeded_waiting_room). The object form waits activate_after + timeout.',
    R.waiting_room_timeout,
  ),
  noone_joined_timeout: doc(
    secondsOrTimed(30, 'alone after joining', { timeout: R.noone_joined_timeout ?? 0, activate_after: 0 }).optional(),
    'Leave when nobody else ever joined within this many seconds (timeout_exceeded_noone_joined). The object form waits activate_after + timeout.',
    R.noone_joined_timeout,
  ),
  everyone_left_timeout: doc(
    secondsOrTimed(1, 'alone after everyone left', R.everyone_left).optional(),
    'Leave this many seconds after the last other participant left (timeout_exceeded_everyone_left).',
    R.everyone_left,
  ),
  in_call_not_recording_timeout: doc(
    seconds(1).optional(),
    'Leave after this many cumulative seconds in the call without recording.',
    R.in_call_not_recording_timeout,
  ),
  in_call_recording_timeout: doc(
    seconds(1).nullable().optional(),
    'Cap on recording length in seconds; null = unlimited.',
    R.in_call_recording_timeout,
  ),
  recording_permission_denied_timeout: doc(
    seconds(1).optional(),
    'Zoom SDK: leave when recording permission stays denied this long. Not applicable to screen capture.',
    RECALL_RECORDING_PERMISSION_DENIED_DEFAULT,
  ),
  silence_detection: doc(
    timedRule(10, 1, 'of continuous silence', R.silence).optional(),
    'Leave after continuous silence (timeout_exceeded_silence_detected).',
    R.silence,
  ),
  bot_detection: doc(
    z
      .strictObject({
        using_participant_events: doc(
          timedRule(10, 0, 'with only participants that never speak or share', BD.using_participant_events).optional(),
          'Participants that never emit speech or screenshare events count as bots.',
          BD.using_participant_events,
        ),
        using_participant_names: doc(
          timedRule(10, 0, 'with only bot-named participants', BD.using_participant_names)
            .extend({
              matches: doc(
                z.array(z.string().min(1).max(MAX_SHORT_TEXT)).max(MAX_LIST).optional(),
                'Case-insensitive substrings of display names that mark a bot, e.g. ["notetaker", "recorder"].',
                [],
              ),
            })
            .optional(),
          'Participants whose name contains one of `matches` count as bots.',
          { ...BD.using_participant_names, matches: [] },
        ),
      })
      .optional(),
    'Leave when only bots remain. Off unless set.',
  ),
});

// ---- top level (2.1) and chat (4) ------------------------------------------------------------------------

const chatMessage4096 = z.string().min(1).max(4096);
const chat = z.strictObject({
  on_bot_join: doc(
    z
      .strictObject({
        send_to: doc(
          z.enum(['everyone', 'host', 'everyone_except_host']).optional(),
          'Recipients; meetbot sends only to everyone.',
          'everyone',
        ),
        message: doc(chatMessage4096, 'Text posted once the bot is admitted (1..4096 characters).'),
        pin: doc(z.boolean().optional(), 'Pin the message (needs platform support).', false),
      })
      .nullable()
      .optional(),
    'Chat message sent when the bot joins.',
    null,
  ),
  on_participant_join: doc(
    z
      .strictObject({
        message: doc(chatMessage4096, 'Text sent when a participant joins (1..4096 characters).'),
        exclude_host: doc(z.boolean().optional(), 'Do not greet the host.', false),
      })
      .nullable()
      .optional(),
    'Chat message sent to each participant who joins.',
    null,
  ),
});

const webpageOutput = z.strictObject({
  kind: doc(z.literal('webpage'), 'Only webpages can be output.'),
  config: doc(z.strictObject({ url: doc(httpsUrl(), 'Page shown (viewport 1280x720).') }), 'Webpage settings.'),
});
const jpegOutput = z.strictObject({
  kind: doc(z.literal('jpeg'), 'Image format.'),
  b64_data: doc(base64(1_835_008), 'Base64 JPEG, 16:9 (640x360 recommended), at most 1,835,008 characters.'),
});

export const recallShape = {
  recording_config: doc(
    recordingConfig.nullable().optional(),
    'Recall recording configuration (section 2.2); null = defaults.',
    null,
  ),
  output_media: doc(
    z
      .strictObject({
        camera: doc(webpageOutput.optional(), 'Webpage rendered as the bot camera.'),
        screenshare: doc(webpageOutput.optional(), 'Webpage rendered as a screenshare.'),
      })
      .nullable()
      .optional(),
    'Webpages the bot outputs as camera or screenshare. Exclusive with automatic_video_output/automatic_audio_output.',
    null,
  ),
  automatic_video_output: doc(
    z
      .strictObject({
        in_call_recording: doc(jpegOutput.optional(), 'Image shown while recording.'),
        in_call_not_recording: doc(
          jpegOutput.optional(),
          'Image shown while not recording (falls back to in_call_recording).',
        ),
      })
      .nullable()
      .optional(),
    'Image the bot shows as its camera.',
    null,
  ),
  automatic_audio_output: doc(
    z
      .strictObject({
        in_call_recording: doc(
          z.strictObject({
            data: doc(
              z.strictObject({
                kind: doc(z.literal('mp3'), 'Audio format.'),
                b64_data: doc(base64(16_000_000), 'Base64 MP3.'),
              }),
              'Audio played.',
            ),
            replay_on_participant_join: doc(
              z
                .strictObject({
                  debounce_mode: doc(z.enum(['leading', 'trailing']).optional(), 'Debounce edge.', 'trailing'),
                  debounce_interval: doc(seconds(0), 'Seconds of debounce.'),
                  disable_after: doc(seconds(0), 'Seconds after which replays stop.'),
                })
                .optional(),
              'Replay when participants join.',
            ),
          }),
          'Audio played while recording.',
        ),
      })
      .nullable()
      .optional(),
    'Audio the bot plays into the meeting (beta).',
    null,
  ),
  chat: doc(
    chat.nullable().optional(),
    'Recall chat settings (section 4). Exclusive with bot_chat_message for on_bot_join.',
    null,
  ),
  automatic_leave: doc(
    automaticLeave.nullable().optional(),
    'Recall automatic-leave rules in seconds (section 3.1). Exclusive with automatic_leave_settings.',
    null,
  ),
  variant: doc(
    z
      .strictObject({
        zoom: doc(z.enum(['web', 'web_4_core', 'native']).optional(), 'Zoom bot variant.', 'web'),
        google_meet: doc(z.enum(['web', 'web_4_core']).optional(), 'Google Meet bot variant.', 'web'),
        microsoft_teams: doc(z.enum(['web', 'web_4_core']).optional(), 'Teams bot variant.', 'web'),
        webex: doc(z.enum(['web', 'web_4_core']).optional(), 'Webex bot variant.', 'web'),
      })
      .nullable()
      .optional(),
    'Bot variant per platform; meetbot always runs the web client.',
    null,
  ),
  zoom: doc(
    z
      .strictObject({
        join_token_url: doc(notifyUrl().nullable().optional(), 'URL the bot GETs a Zoom join token for local recording from (plain text) right before it joins.'),
        zak_url: doc(notifyUrl().nullable().optional(), 'URL the bot GETs a ZAK token from (plain text) right before it joins.'),
        obf_token_url: doc(notifyUrl().nullable().optional(), 'URL the bot GETs an OBF (on-behalf-of) token from (plain text) right before it joins; it waits for that user and leaves with them.'),
        user_email: doc(
          z.email().max(MAX_SHORT_TEXT).nullable().optional(),
          'Email for registration-required webinars.',
        ),
      })
      .nullable()
      .optional(),
    'Zoom-specific parameters: token URLs fetched at join time (a 404 answer means no token); the tokens need the Zoom Meeting SDK settings of the runtime. A URL must be https:// and must not point at an internal host (http:// only for a loopback receiver with the operator switch).',
    null,
  ),
  google_meet: doc(
    z
      .strictObject({
        login_required: doc(z.boolean().nullable().optional(), 'Join signed in to Google.'),
        google_login_group_id: doc(
          z.uuid().nullable().optional(),
          'Login group to sign in with (overrides login_required).',
        ),
      })
      .nullable()
      .optional(),
    'Google Meet-specific parameters. Exclusive with google_meet_settings.',
    null,
  ),
  webex: doc(
    z
      .looseObject({
        password: doc(
          z.string().min(1).max(MAX_SHORT_TEXT).optional(),
          'The meeting password, typed on Webex\'s password page (a Webex link cannot carry it; `pwd=` in the link is read too). A secret: never logged.',
        ),
      })
      .nullable()
      .optional(),
    'Webex-specific parameters: `password` is acted on; other keys (listed by Recall, not documented in our sources) are accepted and reported as not acted on.',
    null,
  ),
  breakout_room: doc(
    z
      .strictObject({
        mode: doc(
          z.enum(['join_main_room', 'join_specific_room', 'auto_accept_all_invites']),
          'How the bot handles breakout rooms (Zoom).',
          'auto_accept_all_invites',
        ),
        room_id: doc(
          z.string().min(1).max(MAX_SHORT_TEXT).optional(),
          'Room to join; required with join_specific_room.',
        ),
      })
      .refine((b) => b.mode !== 'join_specific_room' || b.room_id !== undefined, {
        error: 'room_id is required when mode is join_specific_room',
        path: ['room_id'],
      })
      .nullable()
      .optional(),
    'Breakout-room behaviour (Zoom).',
    null,
  ),
};
