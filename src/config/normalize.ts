/**
 * Create Bot body -> BotSpec. `parseBotConfig` validates (schema, cross-field rules, meeting URL), reports every
 * error of a body together, and never throws whatever the input; `normalizeBotConfig` fills every default.
 *
 * Mapping decisions (also in the generated reference):
 * - source_api is 'attendee' when any Attendee-only top-level field is present, else 'recall'.
 * - Automatic-leave defaults come from the API whose leave object the body uses (automatic_leave -> Recall 3.1,
 *   automatic_leave_settings -> Attendee 3.2), else from source_api. Recall's object forms of
 *   waiting_room_timeout / noone_joined_timeout wait activate_after + timeout. Attendee's
 *   only_participant_in_meeting_timeout_seconds is the everyone-left rule; its bot_keywords become whole-word
 *   bot_names that only stop those bots counting as people. wait_for_host_timeout is 600 s for both (Recall documents none).
 * - Recording: 1280x720 at 30 fps, video_and_audio, speaker_view unless asked. Recall video_mixed_layout
 *   audio_only -> audio_only, gallery_view and gallery_view_v2 -> gallery_view; video_mixed_mp4 null ->
 *   audio_only with audio_mixed_raw, else none; the meetbot extension video_mixed_mp4 {resolution, fps} sets the
 *   frame. Attendee format mp3 -> audio_only (mp3), none -> none; resolution and view map directly.
 * - Chat: only messages to everyone are sent; a message for the host, everyone-but-host or one user is
 *   dropped (and reported) rather than risk showing a private message to everyone.
 * - Attendee external_media_storage_settings -> external_storage (bucket, key); the store is the operator's.
 */
import type {
  AutomaticLeaveSpec,
  BotSpec,
  ChatSpec,
  ExternalStorageSpec,
  MeetingTarget,
  Platform,
  RealtimeEndpoint,
  RecordingSpec,
  SourceApi,
  TimedRule,
  WebhookEndpoint,
} from './botSpec.js';
import { otherPlatformSettings, signInOf, zoomAuthOf } from './accountSettings.js';
import { crossFieldIssues, isAttendeeBody } from './crossChecks.js';
import {
  ATTENDEE_LEAVE_DEFAULTS,
  DEFAULT_BOT_NAME,
  DEFAULT_SAMPLE_RATE,
  RECALL_BOT_DETECTION_DEFAULTS,
  RECALL_LEAVE_DEFAULTS,
  RECORDING_DEFAULTS,
  RESOLUTIONS,
} from './defaults.js';
import {
  BODY_PATH,
  finalizeIssues,
  issuesFromZod,
  zodMessage,
  type ConfigIssue,
  type UnsupportedField,
} from './errors.js';
import { hostileInputIssues } from './hostileInput.js';
import { ATTENDEE_FIELDS, botConfigSchema, RECALL_FIELDS, type BotConfig } from './schema.js';
import { isProducedRealtimeEvent, isProducedWebhookTrigger, unsupportedFields } from './unsupported.js';
import { MeetingUrlError, parseMeetingUrl } from '../meetingUrl/parseMeetingUrl.js';

export type { ConfigIssue, UnsupportedField } from './errors.js';
export { formatConfigErrors } from './errors.js';

export interface ParseOptions {
  /** Operator switch for tests and local debugging: loopback meeting URLs and notification receivers. */
  allowLoopback?: boolean;
  /** The platform the caller expects (required with a loopback meeting URL). */
  platform?: Platform;
  /** "Now", for deciding whether join_at is in the future. */
  now?: Date;
  /**
   * The API the body was sent to (the service's `/api/v1/bot/` or `/api/v1/bots`): its defaults apply and the
   * other API's own fields are refused. Unset, the body's fields decide (any Attendee-only field: Attendee).
   */
  api?: SourceApi;
}

export type ParseResult =
  { ok: true; spec: BotSpec; warnings: UnsupportedField[] } | { ok: false; errors: ConfigIssue[] };

/** Request bodies above this are refused before JSON parsing (the largest legit field is ~1.8 MB of base64). */
export const MAX_BODY_CHARS = 16 * 1024 * 1024;

// ---- automatic leave ----------------------------------------------------------------------------------------

type RecallLeave = NonNullable<BotConfig['automatic_leave']>;
type AttendeeLeave = NonNullable<BotConfig['automatic_leave_settings']>;
type SecondsOrTimed = number | { timeout?: number | undefined; activate_after?: number | undefined };

function timed(value: SecondsOrTimed | undefined, fallback: TimedRule): TimedRule {
  if (value === undefined) return { ...fallback };
  if (typeof value === 'number') return { timeout: value, activate_after: fallback.activate_after };
  return {
    timeout: value.timeout ?? fallback.timeout,
    activate_after: value.activate_after ?? fallback.activate_after,
  };
}

/** One-shot timers (waiting room, nobody joined): an armed-later timer fires activate_after + timeout in. */
function oneShot(value: SecondsOrTimed | undefined, fallback: number): number {
  const rule = timed(value, { timeout: fallback, activate_after: 0 });
  return rule.activate_after + rule.timeout;
}

function recallLeave(leave: RecallLeave): AutomaticLeaveSpec {
  const d = RECALL_LEAVE_DEFAULTS;
  const names = leave.bot_detection?.using_participant_names;
  const events = leave.bot_detection?.using_participant_events;
  return {
    waiting_room_timeout: oneShot(leave.waiting_room_timeout, d.waiting_room_timeout),
    wait_for_host_timeout: d.wait_for_host_timeout,
    noone_joined_timeout: oneShot(leave.noone_joined_timeout, d.noone_joined_timeout ?? 0),
    everyone_left: timed(leave.everyone_left_timeout, d.everyone_left),
    silence: timed(leave.silence_detection, d.silence),
    bot_names: names
      ? {
          ...timed(names, RECALL_BOT_DETECTION_DEFAULTS.using_participant_names),
          matches: names.matches ?? [],
          match: 'substring',
          leave_when_only_bots: true,
        }
      : null,
    bot_events: events ? timed(events, RECALL_BOT_DETECTION_DEFAULTS.using_participant_events) : null,
    in_call_not_recording_timeout: leave.in_call_not_recording_timeout ?? d.in_call_not_recording_timeout,
    in_call_recording_timeout: leave.in_call_recording_timeout ?? d.in_call_recording_timeout,
    max_uptime: d.max_uptime,
    authorized_user_not_in_meeting_timeout: d.authorized_user_not_in_meeting_timeout,
  };
}

function attendeeLeave(leave: AttendeeLeave): AutomaticLeaveSpec {
  const d = ATTENDEE_LEAVE_DEFAULTS;
  const everyoneLeft = {
    timeout: leave.only_participant_in_meeting_timeout_seconds ?? d.everyone_left.timeout,
    activate_after: 0,
  };
  const keywords = leave.bot_keywords ?? [];
  return {
    waiting_room_timeout: leave.waiting_room_timeout_seconds ?? d.waiting_room_timeout,
    wait_for_host_timeout: leave.wait_for_host_to_start_meeting_timeout_seconds ?? d.wait_for_host_timeout,
    noone_joined_timeout: d.noone_joined_timeout,
    everyone_left: everyoneLeft,
    silence: {
      timeout: leave.silence_timeout_seconds ?? d.silence.timeout,
      activate_after: leave.silence_activate_after_seconds ?? d.silence.activate_after,
    },
    bot_names: keywords.length ? { ...everyoneLeft, matches: keywords, match: 'whole_word', leave_when_only_bots: false } : null,
    bot_events: d.bot_events,
    in_call_not_recording_timeout: d.in_call_not_recording_timeout,
    in_call_recording_timeout: d.in_call_recording_timeout,
    max_uptime: leave.max_uptime_seconds ?? d.max_uptime,
    authorized_user_not_in_meeting_timeout: leave.authorized_user_not_in_meeting_timeout_seconds ?? d.authorized_user_not_in_meeting_timeout,
  };
}

function automaticLeave(body: BotConfig, source: SourceApi): AutomaticLeaveSpec {
  if (body.automatic_leave) return recallLeave(body.automatic_leave);
  if (body.automatic_leave_settings) return attendeeLeave(body.automatic_leave_settings);
  return source === 'attendee' ? attendeeLeave({}) : recallLeave({});
}

// ---- recording, chat, outputs --------------------------------------------------------------------------------

function recording(body: BotConfig): RecordingSpec {
  const spec: RecordingSpec = { ...RECORDING_DEFAULTS };
  const recall = body.recording_config;
  if (recall) {
    const mp4 = recall.video_mixed_mp4;
    if (mp4?.resolution) Object.assign(spec, RESOLUTIONS[mp4.resolution]);
    if (mp4?.fps) spec.fps = mp4.fps;
    if (recall.video_mixed_layout === 'audio_only') spec.mode = 'audio_only';
    else if (recall.video_mixed_layout) spec.layout = recall.video_mixed_layout === 'speaker_view' ? 'speaker_view' : 'gallery_view';
    if (recall.video_mixed_participant_video_when_screenshare) spec.screenshare = recall.video_mixed_participant_video_when_screenshare;
    else if (mp4 === null) spec.mode = recall.audio_mixed_raw ? 'audio_only' : 'none';
  }
  const attendee = body.recording_settings;
  if (attendee) {
    if (attendee.resolution) Object.assign(spec, RESOLUTIONS[attendee.resolution]);
    if (attendee.view) spec.layout = attendee.view;
    if (attendee.format === 'mp3') Object.assign(spec, { mode: 'audio_only', audio_format: 'mp3' });
    if (attendee.format === 'none') spec.mode = 'none';
  }
  return spec;
}

function chat(body: BotConfig): ChatSpec {
  const recall = body.chat?.on_bot_join;
  if (recall) {
    return { on_bot_join: (recall.send_to ?? 'everyone') === 'everyone' ? { message: recall.message } : null };
  }
  const attendee = body.bot_chat_message;
  if (attendee && (attendee.to ?? 'everyone') === 'everyone') {
    return { on_bot_join: { message: attendee.message } };
  }
  return { on_bot_join: null };
}

function realtimeEndpoints(body: BotConfig): RealtimeEndpoint[] {
  const out: RealtimeEndpoint[] = [];
  for (const endpoint of body.recording_config?.realtime_endpoints ?? []) {
    if (endpoint.type !== 'websocket') continue;
    const events = endpoint.events.filter(isProducedRealtimeEvent);
    if (events.length === 0) continue;
    out.push({
      type: 'websocket',
      url: endpoint.url,
      events,
      format: 'recall',
      sample_rate: 16000,
      metadata: endpoint.metadata ?? {},
    });
  }
  const audio = body.websocket_settings?.audio;
  if (audio) {
    out.push({
      type: 'websocket',
      url: audio.url,
      events: ['realtime_audio.mixed'],
      format: 'attendee',
      sample_rate: audio.sample_rate ?? DEFAULT_SAMPLE_RATE,
      metadata: {},
    });
  }
  return out;
}

function webhooks(body: BotConfig): WebhookEndpoint[] {
  return (body.webhooks ?? [])
    .map((w) => ({ url: w.url, triggers: w.triggers.filter(isProducedWebhookTrigger) }))
    .filter((w) => w.triggers.length > 0);
}

function externalStorage(body: BotConfig): ExternalStorageSpec | null {
  const settings = body.external_media_storage_settings;
  return settings ? { bucket: settings.bucket_name, key: settings.recording_file_name ?? null } : null;
}

// ---- entry points --------------------------------------------------------------------------------------------

/** Fill every default of a schema-valid body. */
export function normalizeBotConfig(
  body: BotConfig,
  meeting: MeetingTarget,
  now: Date = new Date(),
  api?: SourceApi,
): { spec: BotSpec; warnings: UnsupportedField[] } {
  const source: SourceApi = api ?? (isAttendeeBody(body) ? 'attendee' : 'recall');
  const warnings = [...unsupportedFields(body), ...otherPlatformSettings(body, meeting.platform)];
  const spec: BotSpec = {
    source_api: source,
    bot_name: body.bot_name ?? DEFAULT_BOT_NAME,
    // A Webex password comes from the body (Recall's webex object) before the link's own pwd=.
    meeting: meeting.platform === 'webex' && body.webex?.password ? { ...meeting, password: body.webex.password } : meeting,
    recording: recording(body),
    chat: chat(body),
    automatic_leave: automaticLeave(body, source),
    realtime_endpoints: realtimeEndpoints(body),
    webhooks: webhooks(body),
    metadata: { ...(body.metadata ?? {}) },
    external_storage: externalStorage(body),
    sign_in: signInOf(body, meeting.platform),
    zoom_auth: meeting.platform === 'zoom' ? zoomAuthOf(body) : null,
    join_at: body.join_at && Date.parse(body.join_at) > now.getTime() ? body.join_at : null,
    unsupported: warnings,
  };
  return { spec, warnings };
}

function plainObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function meetingIssue(body: Record<string, unknown>, opts: ParseOptions): [MeetingTarget | null, ConfigIssue | null] {
  try {
    return [parseMeetingUrl(body.meeting_url as string, opts), null];
  } catch (err) {
    if (err instanceof MeetingUrlError) return [null, { path: 'meeting_url', message: err.reason }];
    throw err;
  }
}

/** Top-level fields of the other API's body, refused when the caller says which API the body was sent to. */
function otherApiFields(body: Record<string, unknown>, api: SourceApi): ConfigIssue[] {
  const [others, name] = api === 'recall' ? [ATTENDEE_FIELDS, 'an Attendee'] : [RECALL_FIELDS, 'a Recall.ai'];
  return others.filter((f) => body[f] !== undefined).map((f) => ({ path: f, message: `is ${name} field; this API takes ${api === 'recall' ? 'Recall.ai' : 'Attendee'} bodies` }));
}

function parseUnchecked(body: unknown, opts: ParseOptions): ParseResult {
  const parsed = botConfigSchema.safeParse(body, { error: zodMessage });
  const issues = parsed.success ? [] : issuesFromZod(parsed.error.issues);
  const raw = plainObject(body);
  let meeting: MeetingTarget | null = null;
  if (raw) {
    // Polluting keys, broken Unicode and absurd nesting, at any depth (free-form maps included).
    issues.push(...hostileInputIssues(raw));
    // A field zod already refused needs no second opinion (e.g. an http:// websocket URL).
    const refused = new Set(issues.map((i) => i.path));
    issues.push(...crossFieldIssues(raw, opts).filter((i) => !refused.has(i.path)));
    if (opts.api) issues.push(...otherApiFields(raw, opts.api));
    if (typeof raw.meeting_url === 'string' && !issues.some((i) => i.path === 'meeting_url')) {
      const [target, issue] = meetingIssue(raw, opts);
      meeting = target;
      if (issue) issues.push(issue);
    }
  }
  if (!parsed.success || issues.length > 0 || !meeting) {
    return {
      ok: false,
      errors: finalizeIssues(
        issues.length ? issues : [{ path: BODY_PATH, message: 'is not a valid bot configuration' }],
      ),
    };
  }
  return { ok: true, ...normalizeBotConfig(parsed.data, meeting, opts.now, opts.api) };
}

/** Validate a Create Bot body (already parsed JSON) and normalise it. Never throws. */
export function parseBotConfig(body: unknown, opts: ParseOptions = {}): ParseResult {
  try {
    return parseUnchecked(body, opts);
  } catch (err) {
    // Only exotic inputs get here (proxies, throwing getters): still an answer, never a stack trace.
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [{ path: BODY_PATH, message: `could not be validated: ${why.slice(0, 200)}` }] };
  }
}

/** Validate a Create Bot body given as JSON text; malformed JSON is an error on "(body)". Never throws. */
export function parseBotConfigText(text: string, opts: ParseOptions = {}): ParseResult {
  if (typeof text !== 'string') return { ok: false, errors: [{ path: BODY_PATH, message: 'must be JSON text' }] };
  if (text.length > MAX_BODY_CHARS) {
    return {
      ok: false,
      errors: [{ path: BODY_PATH, message: `is too large (${text.length} characters; at most ${MAX_BODY_CHARS})` }],
    };
  }
  const json = text.replace(/^\uFEFF/, '');
  if (!json.trim()) return { ok: false, errors: [{ path: BODY_PATH, message: 'is empty; expected a JSON object' }] };
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [{ path: BODY_PATH, message: `is not valid JSON: ${why.slice(0, 200)}` }] };
  }
  return parseBotConfig(body, opts);
}
