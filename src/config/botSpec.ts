import type { UnsupportedField } from './errors.js';

/**
 * The one internal shape of a bot, whichever API's body it came from (Recall or Attendee). Every default is
 * filled in here by `normalize`; the runtime never looks at the raw body again.
 */
export const PLATFORMS = ['google_meet', 'zoom', 'webex', 'microsoft_teams'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type SourceApi = 'recall' | 'attendee';

export interface MeetingTarget {
  platform: Platform;
  /** What the browser opens: the platform's web-client form of the link (e.g. Zoom's /wc/<id>/join). */
  join_url: string;
  /** The URL as the client gave it, trimmed. */
  original_url: string;
  /** Meet code, Zoom numeric id, Webex MTID or personal-room name, Teams thread id or /meet/ number. */
  meeting_id: string;
  /** Zoom `pwd`, a Webex password or a Teams `p` passcode. A secret: never logged, never in events or artifacts. */
  password: string | null;
  /** Recall's response shape of `meeting_url` (platform-specific keys), password left out. */
  recall_shape: Record<string, string | null>;
}

export type RecordingMode = 'video_and_audio' | 'audio_only' | 'none';
/**
 * What a video recording shows: the active speaker large beside the others (Meet "Sidebar"), the active speaker
 * alone (Meet "Spotlight"), or everyone in a grid.
 */
export type RecordingLayout = 'speaker_view' | 'speaker_view_no_sidebar' | 'gallery_view';
/** Participants' video while someone shares a screen (Recall): not shown, in a column beside it, or small over it. */
export type ScreenshareView = 'hide' | 'beside' | 'overlap';

export interface RecordingSpec {
  mode: RecordingMode;
  /** Video frame size and rate (ignored unless mode is video_and_audio). */
  width: number;
  height: number;
  fps: number;
  layout: RecordingLayout;
  screenshare: ScreenshareView;
  /** Container/codec of an audio-only recording. */
  audio_format: 'aac' | 'mp3';
}

export interface ChatSpec {
  /** Posted to everyone once the bot is admitted. null = none (a private join message is reported, not sent). */
  on_bot_join: { message: string } | null;
}

export interface TimedRule {
  timeout: number;
  activate_after: number;
}

/** Seconds; null disables a rule. */
export interface AutomaticLeaveSpec {
  waiting_room_timeout: number;
  wait_for_host_timeout: number;
  noone_joined_timeout: number | null;
  everyone_left: TimedRule;
  silence: TimedRule;
  /**
   * Participants whose names match are bots: they never count as people for the noone-joined and
   * everyone-left rules. Recall also leaves when only such bots remain (`leave_when_only_bots`); Attendee's
   * `bot_keywords` only exclude them.
   */
  bot_names: (TimedRule & { matches: string[]; match: 'substring' | 'whole_word'; leave_when_only_bots: boolean }) | null;
  bot_events: TimedRule | null;
  in_call_not_recording_timeout: number | null;
  in_call_recording_timeout: number | null;
  max_uptime: number | null;
  /** A Zoom bot joined with an OBF token waits this long for the user who authorised it (Attendee; 600 s). */
  authorized_user_not_in_meeting_timeout: number;
}

export interface RealtimeEndpoint {
  type: 'websocket';
  url: string;
  /** Recall event names (`audio_mixed_raw.data`, `participant_events.join`, ...) or Attendee's trigger. */
  events: string[];
  /** Payload dialect: Recall's envelope, or Attendee's `realtime_audio.mixed`. */
  format: 'recall' | 'attendee';
  /** Sample rate of audio frames sent (Recall: always 16000). */
  sample_rate: 8000 | 16000 | 24000;
  metadata: Record<string, string>;
}

export interface WebhookEndpoint {
  url: string;
  /** Attendee triggers or ['*'] for all status events. */
  triggers: string[];
}

/**
 * Attendee's `external_media_storage_settings`: the recording also goes to this bucket, written while it is
 * recorded. The store's endpoint and credentials are the operator's runtime settings, never the body's.
 */
export interface ExternalStorageSpec {
  bucket: string;
  /** Object key of the recording; null = the bot id with the recording's extension. */
  key: string | null;
}

/**
 * A signed-in bot (Recall `google_meet.login_required` / `google_login_group_id`, Attendee
 * `google_meet_settings` / `teams_settings` `use_login`): `always` signs in before joining, `only_if_required`
 * joins as a guest and signs in when the platform demands it. `group` names the service's login group whose
 * credential the bot gets (null: the project's default).
 */
export interface SignInSpec {
  mode: 'always' | 'only_if_required';
  group: string | null;
}

/**
 * Where a Zoom bot gets its tokens at join time. Recall's URLs are fetched with GET and answer the token as
 * plain text; Attendee's callback is POSTed a signed JSON body and answers `{zak_token, join_token,
 * onbehalf_token}`. Every URL obeys the same safety rules as `meeting_url`.
 */
export interface ZoomAuthSpec {
  zak_url: string | null;
  join_token_url: string | null;
  obf_token_url: string | null;
  tokens_callback_url: string | null;
}

export interface BotSpec {
  source_api: SourceApi;
  bot_name: string;
  meeting: MeetingTarget;
  recording: RecordingSpec;
  chat: ChatSpec;
  automatic_leave: AutomaticLeaveSpec;
  realtime_endpoints: RealtimeEndpoint[];
  webhooks: WebhookEndpoint[];
  metadata: Record<string, string>;
  external_storage: ExternalStorageSpec | null;
  /** null: the bot joins as a guest and ends on a sign-in wall. */
  sign_in: SignInSpec | null;
  /** null: a Zoom bot joins without tokens. */
  zoom_auth: ZoomAuthSpec | null;
  /** When to click join (ISO-8601), if still ahead when the bot starts: it waits at the pre-join screen until then. */
  join_at: string | null;
  /** Body fields that were accepted but that the runtime does not act on, each with why (reported in one warning). */
  unsupported: UnsupportedField[];
}
