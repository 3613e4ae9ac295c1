import { isRecordingVerdict } from '../../lifecycle/codes.js';
import type { BotRow } from '../store/bots.js';
import type { StoredEvent } from '../store/events.js';

/**
 * Attendee's view of a bot (bot-api.md 7.3, 7.4): its state machine and events, derived from the status events
 * the bot reported in Recall's vocabulary. One table says what each status change is in Attendee's words.
 */
export type AttendeeState =
  | 'ready'
  | 'scheduled'
  | 'joining'
  | 'waiting_room'
  | 'joined_not_recording'
  | 'joined_recording'
  | 'leaving'
  | 'post_processing'
  | 'ended'
  | 'fatal_error'
  | 'data_deleted';

export interface AttendeeEvent {
  type: string;
  sub_type: string | null;
  created_at: string;
}

export interface AttendeeBot {
  id: string;
  metadata: Record<string, string>;
  meeting_url: string;
  state: AttendeeState;
  events: AttendeeEvent[];
  transcription_state: 'not_started';
  recording_state: 'not_started' | 'in_progress' | 'complete' | 'failed';
  join_at: string | null;
  deduplication_key: string | null;
}

type Step = [type: string, sub_type: string | null, state: AttendeeState];

/** sub_codes that mean the bot never got in: Attendee reports them as `could_not_join`. */
const COULD_NOT_JOIN: Record<string, string> = {
  timeout_exceeded_waiting_room: 'waiting_room_timeout_exceeded',
  call_ended_by_platform_waiting_room_timeout: 'waiting_room_timeout_exceeded',
  bot_kicked_from_waiting_room: 'request_to_join_denied',
  meeting_not_started: 'meeting_not_started_waiting_for_host',
  meeting_not_found: 'meeting_not_found',
  meeting_link_invalid: 'meeting_not_found',
  meeting_link_expired: 'meeting_not_found',
  meeting_requires_sign_in: 'login_required',
  meeting_password_incorrect: 'unable_to_connect_to_meeting',
  google_meet_bot_blocked: 'request_to_join_denied',
  zoom_captcha_required: 'blocked_by_captcha',
  microsoft_teams_captcha_detected: 'blocked_by_captcha',
  microsoft_teams_sign_in_credentials_missing: 'login_required',
  microsoft_teams_event_not_started_for_external: 'meeting_not_started_waiting_for_host',
  google_meet_join_request_dropped: 'request_to_join_denied',
  google_meet_sign_in_failed: 'bot_login_attempt_failed',
  google_meet_sign_in_captcha_failed: 'blocked_by_captcha',
  google_meet_sign_in_missing_login_credentials: 'login_required',
  google_meet_sign_in_missing_recovery_credentials: 'bot_login_attempt_failed',
  google_meet_sign_in_missing_totp_secret: 'bot_login_attempt_failed',
  microsoft_teams_sign_in_failed: 'bot_login_attempt_failed',
  microsoft_teams_2fa_required: 'bot_login_attempt_failed',
  zoom_requires_rtms: 'zoom_app_cannot_join_anonymously',
  zoom_invalid_join_token: 'zoom_authorization_failed',
  zoom_invalid_signature: 'zoom_authorization_failed',
  zoom_authorized_user_not_in_meeting: 'authorized_user_not_in_meeting_timeout_exceeded',
};

/** Leaves the bot decided on (Attendee: `leave_requested` with why, then `left_meeting`). */
const LEAVE_REQUESTED: Record<string, string> = {
  bot_received_leave_call: 'user_requested',
  timeout_exceeded_silence_detected: 'auto_leave_silence',
  timeout_exceeded_everyone_left: 'auto_leave_only_participant_in_meeting',
  timeout_exceeded_noone_joined: 'auto_leave_only_participant_in_meeting',
  timeout_exceeded_only_bots_detected_using_participant_names: 'auto_leave_only_participant_in_meeting',
  timeout_exceeded_max_duration: 'auto_leave_max_uptime_exceeded',
  timeout_exceeded_in_call_recording: 'auto_leave_max_uptime_exceeded',
  timeout_exceeded_in_call_not_recording: 'auto_leave_max_uptime_exceeded',
};

/** The Attendee steps one status change makes. */
function stepsOf(code: string, subCode: string | null, joined: boolean): Step[] {
  switch (code) {
    case 'joining_call':
      return [['join_requested', null, 'joining']];
    case 'in_waiting_room':
      return [['put_in_waiting_room', null, 'waiting_room']];
    case 'in_call_not_recording':
      return [['joined_meeting', null, 'joined_not_recording']];
    case 'in_call_recording':
      return joined ? [['recording_permission_granted', null, 'joined_recording']] : [['joined_meeting', null, 'joined_not_recording'], ['recording_permission_granted', null, 'joined_recording']];
    case 'call_ended': {
      if (!joined && subCode && COULD_NOT_JOIN[subCode]) return [['could_not_join', COULD_NOT_JOIN[subCode], 'fatal_error']];
      const why = subCode ? LEAVE_REQUESTED[subCode] : undefined;
      return why ? [['leave_requested', why, 'leaving'], ['left_meeting', null, 'post_processing']] : [['meeting_ended', null, 'post_processing']];
    }
    case 'done':
      return [['post_processing_completed', null, 'ended']];
    case 'fatal':
      if (!joined && subCode && COULD_NOT_JOIN[subCode]) return [['could_not_join', COULD_NOT_JOIN[subCode], 'fatal_error']];
      return [['fatal_error', subCode, 'fatal_error']];
    default:
      return [];
  }
}

const TERMINAL: ReadonlySet<AttendeeState> = new Set(['fatal_error', 'ended', 'data_deleted']);

/** The bot's Attendee state and events from its status events (oldest first); `scheduled` until it starts. */
export function attendeeStateOf(statusEvents: readonly StoredEvent[], dataDeletedAt: Date | null, scheduled = false): { state: AttendeeState; events: AttendeeEvent[] } {
  let state: AttendeeState = scheduled ? 'scheduled' : 'ready';
  let joined = false;
  const events: AttendeeEvent[] = [];
  for (const e of statusEvents) {
    if (TERMINAL.has(state)) break;
    const code = String(e.body.code);
    for (const [type, sub_type, next] of stepsOf(code, typeof e.body.sub_code === 'string' ? e.body.sub_code : null, joined)) {
      events.push({ type, sub_type, created_at: e.body.created_at });
      state = next;
    }
    if (code === 'in_call_not_recording' || code === 'in_call_recording') joined = true;
  }
  if (dataDeletedAt) {
    events.push({ type: 'data_deleted', sub_type: null, created_at: dataDeletedAt.toISOString() });
    state = 'data_deleted';
  }
  return { state, events };
}

export function attendeeBot(bot: BotRow, statusEvents: readonly StoredEvent[], recordingStored: boolean): AttendeeBot {
  const { state, events } = attendeeStateOf(statusEvents, bot.data_deleted_at, bot.join_at !== null && bot.launched_at === null);
  const recorded = statusEvents.some((e) => e.body.code === 'in_call_recording');
  // A health verdict (`fatal_error` with the sub_code as sub_type): the file may be stored, the recording failed.
  const unusable = statusEvents.some((e) => e.body.code === 'fatal' && isRecordingVerdict(String(e.body.sub_code)));
  return {
    id: bot.public_id,
    metadata: bot.metadata,
    meeting_url: bot.meeting_url,
    state,
    events,
    transcription_state: 'not_started',
    recording_state: !recorded ? 'not_started' : bot.live ? 'in_progress' : !unusable && (recordingStored || bot.media_deleted_at) ? 'complete' : 'failed',
    join_at: bot.join_at?.toISOString() ?? null,
    deduplication_key: bot.deduplication_key,
  };
}
