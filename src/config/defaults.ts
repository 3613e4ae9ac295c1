/**
 * Documented defaults, in one place: the zod schema publishes them (JSON Schema `default`, generated docs) and
 * `normalize` fills them in, so the two can never disagree. Automatic-leave defaults differ per API
 * (bot-api.md 3.1 vs 3.2); the rest is shared.
 */
import type { AutomaticLeaveSpec, RecordingSpec } from './botSpec.js';

export const DEFAULT_BOT_NAME = 'Meeting Notetaker';

/** Frame sizes behind the resolution names both APIs use (Attendee `recording_settings.resolution`). */
export const RESOLUTIONS = {
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
} as const;
export type ResolutionName = keyof typeof RESOLUTIONS;

/**
 * meetbot records 1280x720 at 30 fps unless asked otherwise (CPU is the product). Attendee documents 1080p as
 * its default; a client that wants it says `recording_settings.resolution: "1080p"`.
 */
export const DEFAULT_RESOLUTION: ResolutionName = '720p';
export const RECORDING_DEFAULTS: RecordingSpec = {
  mode: 'video_and_audio',
  ...RESOLUTIONS[DEFAULT_RESOLUTION],
  fps: 30,
  layout: 'speaker_view',
  screenshare: 'overlap',
  audio_format: 'aac',
};

/**
 * Recall `automatic_leave` (bot-api.md 3.1). Bot detection is off unless the body asks for it; when it does,
 * the missing values come from RECALL_BOT_DETECTION_DEFAULTS. Recall documents no "wait for host" timer (it
 * reports `meeting_not_started`), so meetbot uses Attendee's 600 s for both APIs.
 */
export const RECALL_LEAVE_DEFAULTS: AutomaticLeaveSpec = {
  waiting_room_timeout: 1200,
  wait_for_host_timeout: 600,
  noone_joined_timeout: 1200,
  everyone_left: { timeout: 2, activate_after: 0 },
  silence: { timeout: 3600, activate_after: 1200 },
  bot_names: null,
  bot_events: null,
  in_call_not_recording_timeout: 3600,
  in_call_recording_timeout: null,
  max_uptime: null,
  authorized_user_not_in_meeting_timeout: 600,
};

export const RECALL_BOT_DETECTION_DEFAULTS = {
  using_participant_events: { timeout: 600, activate_after: 1200 },
  using_participant_names: { timeout: 3600, activate_after: 1200 },
} as const;

/** Recall's older schema default; not carried into BotSpec (screen capture needs no recording permission). */
export const RECALL_RECORDING_PERMISSION_DENIED_DEFAULT = 30;

/**
 * Attendee `automatic_leave_settings` (bot-api.md 3.2). Attendee has no "nobody joined" or "not recording"
 * rules; its silence rule covers the empty meeting.
 */
export const ATTENDEE_LEAVE_DEFAULTS: AutomaticLeaveSpec = {
  waiting_room_timeout: 900,
  wait_for_host_timeout: 600,
  noone_joined_timeout: null,
  everyone_left: { timeout: 60, activate_after: 0 },
  silence: { timeout: 600, activate_after: 1200 },
  bot_names: null,
  bot_events: null,
  in_call_not_recording_timeout: null,
  in_call_recording_timeout: null,
  max_uptime: null,
  authorized_user_not_in_meeting_timeout: 600,
};

export const ATTENDEE_AUTHORIZED_USER_TIMEOUT_DEFAULT = ATTENDEE_LEAVE_DEFAULTS.authorized_user_not_in_meeting_timeout;

/** Recall realtime audio is always 16 kHz; Attendee's websocket audio defaults to it. */
export const DEFAULT_SAMPLE_RATE = 16000;
