/**
 * Recall's status codes and sub_codes (shared/reference/bot-api.md, section 7). Like Recall, we warn clients
 * that these are not closed enums: new values may appear.
 */
export const STATUS_CODES = [
  'ready',
  'joining_call',
  'in_waiting_room',
  'in_call_not_recording',
  'in_call_recording',
  'call_ended',
  'done',
  'fatal',
] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

/** sub_codes that end a call normally (state `call_ended`): someone or something else ended it, or our rules did. */
export const CALL_ENDED_SUB_CODES = [
  'call_ended_by_host',
  'call_ended_by_platform_idle',
  'call_ended_by_platform_max_length',
  'call_ended_by_platform_waiting_room_timeout',
  'timeout_exceeded_waiting_room',
  'timeout_exceeded_noone_joined',
  'timeout_exceeded_everyone_left',
  'timeout_exceeded_silence_detected',
  'timeout_exceeded_only_bots_detected_using_participant_names',
  'timeout_exceeded_only_bots_detected_using_participant_events',
  'timeout_exceeded_in_call_not_recording',
  'timeout_exceeded_in_call_recording',
  'timeout_exceeded_max_duration',
  'timeout_exceeded_only_bots_in_call',
  'bot_kicked_from_call',
  'bot_kicked_from_waiting_room',
  'bot_received_leave_call',
] as const;

/** sub_codes of `fatal`: the bot could not join, or broke. */
export const FATAL_SUB_CODES = [
  'bot_errored',
  'meeting_not_found',
  'meeting_not_started',
  'meeting_ended',
  'meeting_requires_registration',
  'meeting_requires_sign_in',
  'meeting_link_expired',
  'meeting_link_invalid',
  'meeting_password_incorrect',
  'meeting_locked',
  'meeting_full',
  'google_meet_bot_blocked',
  'zoom_captcha_required',
  'zoom_join_timeout',
  'zoom_web_disallowed',
  'zoom_registration_required',
  'webex_join_meeting_error',
  // Runtime faults (issue: reliability). Named after what failed so an operator can act on them.
  'ui_element_not_found',
  'browser_crashed',
  'page_unresponsive',
  'recording_failed',
  'disk_full',
  'output_dir_lost',
  'watchdog_no_progress',
  'global_runtime_exceeded',
] as const;

/** sub_codes carried by non-terminal transitions, to say why the state changed. */
export const PROGRESS_SUB_CODES = [
  'recording_started',
  'recording_paused',
  'recording_resumed',
  'recording_gap',
  'waiting_for_host',
] as const;

export const SUB_CODES = [...CALL_ENDED_SUB_CODES, ...FATAL_SUB_CODES, ...PROGRESS_SUB_CODES] as const;
export type CallEndedSubCode = (typeof CALL_ENDED_SUB_CODES)[number];
export type FatalSubCode = (typeof FATAL_SUB_CODES)[number];
export type SubCode = (typeof SUB_CODES)[number];

export function isFatalSubCode(s: SubCode): s is FatalSubCode {
  return (FATAL_SUB_CODES as readonly string[]).includes(s);
}
