/**
 * Recall's status codes and the sub_codes meetbot emits (shared/reference/bot-api.md, section 7): a sub_code is
 * listed here only once something emits it (a unit test checks). Like Recall, we warn clients that these are
 * not closed enums: new values may appear.
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
  'bot_kicked_from_call',
  'bot_kicked_from_waiting_room',
  'bot_removed_or_call_ended',
  'bot_received_leave_call',
  // Zoom removes an on-behalf-of (OBF) bot when the user who authorised it leaves (Zoom's OBF rules).
  'zoom_authorized_user_left',
] as const;

/**
 * The recording's health verdicts (issue 20): the call ended normally but the recording is unusable (empty,
 * silent while participants spoke, frozen), so the bot ends `fatal` with one of these rather than `done`.
 */
export const RECORDING_VERDICTS = ['recording_empty', 'recording_silent', 'recording_frozen'] as const;
export type RecordingVerdict = (typeof RECORDING_VERDICTS)[number];

/** sub_codes of `fatal`: the bot could not join, or broke. */
export const FATAL_SUB_CODES = [
  'bot_errored',
  'meeting_not_found',
  'meeting_not_started',
  'meeting_requires_sign_in',
  'meeting_link_expired',
  'meeting_link_invalid',
  'meeting_password_incorrect',
  'google_meet_bot_blocked',
  // The anti-bot walls and the signed-in paths (issue 19). Recall's names where Recall has one; the others are
  // meetbot's own, documented in docs/events.md like the rest.
  'google_meet_join_request_dropped',
  'google_meet_sign_in_failed',
  'google_meet_sign_in_captcha_failed',
  'google_meet_sign_in_missing_login_credentials',
  'google_meet_sign_in_missing_recovery_credentials',
  'google_meet_sign_in_missing_totp_secret',
  'zoom_requires_rtms',
  'zoom_invalid_join_token',
  'zoom_token_fetch_failed',
  'zoom_sdk_credentials_missing',
  'zoom_invalid_signature',
  'zoom_authorized_user_not_in_meeting',
  'zoom_captcha_required',
  'zoom_web_disallowed',
  'zoom_registration_required',
  'webex_join_meeting_error',
  // Recall's Teams sub_codes.
  'microsoft_teams_captcha_detected',
  'microsoft_teams_call_dropped',
  'microsoft_teams_sign_in_credentials_missing',
  'microsoft_teams_internal_error',
  'microsoft_teams_event_not_started_for_external',
  'microsoft_teams_sign_in_failed',
  'microsoft_teams_2fa_required',
  // Runtime faults (issue: reliability). Named after what failed so an operator can act on them.
  'ui_element_not_found',
  'join_step_timeout',
  'browser_crashed',
  'page_unresponsive',
  'recording_failed',
  ...RECORDING_VERDICTS,
  'disk_full',
  'output_dir_lost',
  'watchdog_no_progress',
  'global_runtime_exceeded',
] as const;

/** sub_codes carried by non-terminal transitions, to say why the state changed. */
export const PROGRESS_SUB_CODES = [
  'recording_started',
] as const;

export const SUB_CODES = [...CALL_ENDED_SUB_CODES, ...FATAL_SUB_CODES, ...PROGRESS_SUB_CODES] as const;
export type CallEndedSubCode = (typeof CALL_ENDED_SUB_CODES)[number];
export type FatalSubCode = (typeof FATAL_SUB_CODES)[number];
export type SubCode = (typeof SUB_CODES)[number];

export function isRecordingVerdict(s: string | null): s is RecordingVerdict {
  return (RECORDING_VERDICTS as readonly (string | null)[]).includes(s);
}

export function isFatalSubCode(s: SubCode): s is FatalSubCode {
  return (FATAL_SUB_CODES as readonly string[]).includes(s);
}

/**
 * How the bot's time in a meeting ends: normally (`call_ended`, then `done`) or as a failure (`fatal`). The
 * one pairing of a terminal status with its sub_code, shared by the adapters' end screens, the leave rules
 * and the session's end reason.
 */
export type EndOutcome = { status: 'call_ended'; sub_code: CallEndedSubCode } | { status: 'fatal'; sub_code: FatalSubCode };

export function outcomeOf(sub_code: CallEndedSubCode | FatalSubCode): EndOutcome {
  return isFatalSubCode(sub_code) ? { status: 'fatal', sub_code } : { status: 'call_ended', sub_code };
}

/** What each sub_code means, for docs/events.md (generated) and for people reading events. */
export const SUB_CODE_DOCS: Record<SubCode, string> = {
  call_ended_by_host: 'the host ended the meeting for everyone',
  call_ended_by_platform_waiting_room_timeout: 'nobody admitted the bot before the platform gave up (Meet: 10 min)',
  timeout_exceeded_waiting_room: 'automatic_leave: not admitted within waiting_room_timeout',
  timeout_exceeded_noone_joined: 'automatic_leave: nobody else joined within noone_joined_timeout',
  timeout_exceeded_everyone_left: 'automatic_leave: everyone else left (everyone_left_timeout)',
  timeout_exceeded_silence_detected: 'automatic_leave: the meeting audio was silent for silence_detection.timeout',
  timeout_exceeded_only_bots_detected_using_participant_names: 'automatic_leave: only participants whose names match bot_detection remained',
  timeout_exceeded_only_bots_detected_using_participant_events: 'automatic_leave: only participants that never spoke or shared remained',
  timeout_exceeded_in_call_not_recording: 'automatic_leave: in the call without recording for in_call_not_recording_timeout',
  timeout_exceeded_in_call_recording: 'automatic_leave: recorded for in_call_recording_timeout',
  timeout_exceeded_max_duration: 'automatic_leave: the bot was up for max_uptime_seconds',
  bot_kicked_from_call: 'a participant removed the bot from the call',
  bot_kicked_from_waiting_room: 'the bot was denied entry from the waiting room (or the lobby went away without admitting it)',
  bot_removed_or_call_ended: 'the meeting went away (its controls gone, the page sent off the platform) and no known screen said whether the host ended it or removed the bot',
  bot_received_leave_call: 'the bot was told to leave (SIGTERM / stop, or a leave command from the service)',
  zoom_authorized_user_left: 'the Zoom user who authorised the bot (OBF token) left, and Zoom removed the bot with them',
  bot_errored: 'an unexpected error; the event detail and bot.log say more',
  meeting_not_found: 'the meeting does not exist (Meet startup code 217, "Check your meeting code")',
  meeting_not_started: 'the host did not start the meeting within wait_for_host_timeout',
  meeting_requires_sign_in: 'the meeting admits signed-in users only',
  meeting_link_expired: 'the meeting link has expired',
  meeting_link_invalid: 'the platform says the link is invalid (Zoom 3,001)',
  meeting_password_incorrect: 'the passcode is wrong or missing',
  google_meet_bot_blocked: 'Google Meet refused the bot ("You can\'t join this video call")',
  google_meet_join_request_dropped:
    'Google Meet dropped the anonymous join request without anyone answering it (the knock vanished, or the page went back to Meet\'s home); a signed-in bot is the remedy',
  google_meet_sign_in_failed: 'Google refused the bot\'s account: wrong password or unknown email (see failure/)',
  google_meet_sign_in_captcha_failed: 'Google asked for a captcha on its sign-in page',
  google_meet_sign_in_missing_login_credentials: 'the bot must sign in to Google and has no credential for it (or only an expired session and no password)',
  google_meet_sign_in_missing_recovery_credentials: 'Google asked the account to verify it is you and the credential has no recovery email for it',
  google_meet_sign_in_missing_totp_secret: 'Google asked for a two-step verification code and the credential has no TOTP secret',
  zoom_requires_rtms: 'Zoom refused the bot as automated ("Automated bots aren\'t allowed ... must use Zoom RTMS")',
  zoom_invalid_join_token: 'Zoom refused a token the bot joined with (ZAK, OBF or join token): invalid or expired',
  zoom_token_fetch_failed: 'the Zoom token URL (zoom.*_url, callback_settings.zoom_tokens_url) failed or answered something that is not a token',
  zoom_sdk_credentials_missing: 'an OBF or join token needs the Zoom Meeting SDK and the operator set no SDK key and secret',
  zoom_invalid_signature: 'Zoom refused the Meeting SDK signature (SDK key or secret wrong)',
  zoom_authorized_user_not_in_meeting:
    'the Zoom user who authorised the bot (OBF token) was not in the meeting within authorized_user_not_in_meeting_timeout',
  zoom_captcha_required: 'Zoom asked for a captcha',
  zoom_web_disallowed: 'the Zoom meeting does not admit web-client or automated participants',
  zoom_registration_required: 'the Zoom meeting needs a registration',
  webex_join_meeting_error: 'Webex refused or failed the join',
  microsoft_teams_captcha_detected: 'Teams asked for a captcha ("Verify you\'re a real person")',
  microsoft_teams_call_dropped: 'Teams could not connect the bot to the call, or dropped it ("We couldn\'t connect you")',
  microsoft_teams_sign_in_credentials_missing: 'the Teams meeting admits signed-in users only and the bot has no account to sign in with',
  microsoft_teams_internal_error: 'the Teams web client failed with an error of its own',
  microsoft_teams_event_not_started_for_external: 'the Teams event has not started, and external participants may not join before it does',
  microsoft_teams_sign_in_failed: 'Microsoft refused the bot\'s account ("Your account or password is incorrect", unknown account)',
  microsoft_teams_2fa_required: 'Microsoft asked the bot\'s account for a second factor the credential cannot give',
  ui_element_not_found: 'a control the adapter needs was not on the page (detail.step names the step; see failure/)',
  join_step_timeout: 'a page step did not finish in time, e.g. a click something covers (detail.step names it; see failure/)',
  browser_crashed: 'Chromium or its page crashed',
  page_unresponsive: 'the page stopped answering for MEETBOT_WATCHDOG_SEC',
  recording_failed: 'ffmpeg could not record (restarts exhausted)',
  recording_empty:
    'the call ended but the recording is empty: no file, no media in it, or under 1 s while the bot recorded for 2 s or more (detail.recording_health)',
  recording_silent:
    'the call ended but the recording was silent for 90 % or more of the time participants spoke (5 s or more in all, by the page\'s speaking indicators)',
  recording_frozen:
    'the call ended but the recorded picture did not change for 15 s while the meeting\'s video moved (without the page\'s motion timeline: over 95 % of a recording of 20 s or more)',
  disk_full: 'the output disk is full; the recording is kept up to that point',
  output_dir_lost: 'the output folder disappeared',
  watchdog_no_progress: 'the bot made no progress for too long',
  global_runtime_exceeded: 'the bot reached MEETBOT_MAX_RUNTIME_SEC',
  recording_started: 'recording began (in_call_recording)',
};
