/**
 * Rules zod cannot express on one field: the Recall/Attendee pairs that set the same thing, Attendee-only limits
 * (they apply when the body is an Attendee body), and the outgoing URLs the bot will call (webhooks, realtime
 * endpoints), which must not reach internal hosts. They read the raw body defensively, so they also run when
 * zod found other problems and every error of a body is reported at once.
 */
import { hostRefusal } from '../meetingUrl/hostGuard.js';
import { formatPath, type ConfigIssue } from './errors.js';
import { ATTENDEE_FIELDS } from './schema.js';

export interface CrossCheckOptions {
  allowLoopback?: boolean;
}

type Body = Record<string, unknown>;

const record = (v: unknown): Body | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Body) : undefined;
const present = (v: unknown) => v !== undefined && v !== null;

export function isAttendeeBody(body: Body): boolean {
  return ATTENDEE_FIELDS.some((f) => body[f] !== undefined);
}

/** [field, the field it conflicts with, what both set]; the error goes on the first. */
const EXCLUSIVE: [string, (b: Body) => boolean, string, string][] = [
  ['bot_chat_message', (b) => present(record(b.chat)?.on_bot_join), 'chat.on_bot_join', 'the join chat message'],
  ['automatic_leave_settings', (b) => present(b.automatic_leave), 'automatic_leave', 'the automatic-leave rules'],
  ['recording_settings', (b) => present(b.recording_config), 'recording_config', 'the recording'],
  ['google_meet_settings', (b) => present(b.google_meet), 'google_meet', 'the Google Meet options'],
  ['calendar_event_id', (b) => present(b.meeting_url), 'meeting_url', 'the meeting to join'],
  ['calendar_event_id', (b) => present(b.join_at), 'join_at', 'when to join'],
  ['output_media', (b) => present(b.automatic_video_output), 'automatic_video_output', "the bot's camera"],
  ['output_media', (b) => present(b.automatic_audio_output), 'automatic_audio_output', "the bot's output"],
];

function exclusivityIssues(body: Body): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [field, conflicts, other, what] of EXCLUSIVE) {
    if (present(body[field]) && conflicts(body)) {
      issues.push({ path: field, message: `cannot be combined with ${other}: both set ${what}; use one of them` });
    }
  }
  if (present(body.calendar_event_id) && !present(body.meeting_url)) {
    issues.push({
      path: 'calendar_event_id',
      message: 'meetbot has no calendar integration; give meeting_url instead',
    });
  }
  return issues;
}

const ASTRAL = /[\uD800-\uDFFF]/;
const ATTENDEE_METADATA_JSON_MAX = 1000;

function attendeeIssues(body: Body): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (typeof body.bot_name === 'string' && ASTRAL.test(body.bot_name)) {
    issues.push({
      path: 'bot_name',
      message: 'must not contain emojis or other characters above U+FFFF (Attendee rule)',
    });
  }
  const metadata = record(body.metadata);
  // Only a well-formed map is measured; anything else is the schema's to report.
  if (metadata && Object.values(metadata).every((v) => typeof v === 'string')) {
    if (Object.keys(metadata).length === 0)
      issues.push({ path: 'metadata', message: 'must have at least one key (Attendee rule)' });
    const size = JSON.stringify(metadata).length;
    if (size > ATTENDEE_METADATA_JSON_MAX) {
      issues.push({
        path: 'metadata',
        message: `must be at most ${ATTENDEE_METADATA_JSON_MAX} characters as JSON (got ${size}; Attendee rule)`,
      });
    }
  }
  return issues;
}

/** The schema caps these lists far lower; a hostile million-entry array is not walked here. */
const MAX_LIST_CHECKED = 10;
const firstItems = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_LIST_CHECKED) : []);

/** Every URL the bot will (or a fuller runtime would) call out to, with its path in the body. */
function outgoingUrls(body: Body): [path: (string | number)[], url: string][] {
  const out: [(string | number)[], string][] = [];
  const add = (path: (string | number)[], v: unknown) => {
    if (typeof v === 'string') out.push([path, v]);
  };
  firstItems(record(body.recording_config)?.realtime_endpoints).forEach((e, i) =>
    add(['recording_config', 'realtime_endpoints', i, 'url'], record(e)?.url),
  );
  const ws = record(body.websocket_settings);
  for (const key of ['audio', 'per_participant_audio', 'per_participant_video']) {
    add(['websocket_settings', key, 'url'], record(ws?.[key])?.url);
  }
  firstItems(body.webhooks).forEach((w, i) => add(['webhooks', i, 'url'], record(w)?.url));
  // The Zoom token URLs the bot calls at join time (account/zoomTokens.ts checks them again, redirects included).
  add(['callback_settings', 'zoom_tokens_url'], record(body.callback_settings)?.zoom_tokens_url);
  const zoom = record(body.zoom);
  for (const key of ['zak_url', 'join_token_url', 'obf_token_url']) add(['zoom', key], zoom?.[key]);
  // Accepted and not acted on yet; a later runtime that calls them must not inherit an internal host.
  const agent = record(body.voice_agent_settings);
  add(['voice_agent_settings', 'url'], agent?.url);
  add(['voice_agent_settings', 'screenshare_url'], agent?.screenshare_url);
  add(['rtmp_settings', 'destination_url'], record(body.rtmp_settings)?.destination_url);
  return out;
}

const LOOPBACK_RECEIVERS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why the bot must not call this URL (an internal host, http to anything but a loopback receiver with the switch), or null. */
export function outgoingUrlIssue(raw: string, opts: CrossCheckOptions): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null; // zod already reports a malformed URL
  }
  if (url.username || url.password) return 'must not contain credentials (user:password@)';
  const loopback = LOOPBACK_RECEIVERS.has(url.hostname);
  if (loopback && opts.allowLoopback) return null;
  const refusal = hostRefusal(url.hostname);
  if (refusal) return refusal;
  if (url.protocol === 'http:') return 'must use https (http is accepted only for a loopback receiver)';
  return null;
}

/** Recall realtime events that need a media switch in recording_config. */
const EVENT_NEEDS: [event: string, switchName: string][] = [
  ['audio_mixed_raw.data', 'audio_mixed_raw'],
  ['audio_separate_raw.data', 'audio_separate_raw'],
  ['video_separate_png.data', 'video_separate_png'],
  ['video_mixed_flv.data', 'video_mixed_flv'],
];

function realtimeSwitchIssues(body: Body): ConfigIssue[] {
  const config = record(body.recording_config);
  if (!config) return [];
  const issues: ConfigIssue[] = [];
  firstItems(config.realtime_endpoints).forEach((endpoint, i) => {
    const e = record(endpoint);
    // A webhook endpoint cannot carry media events at all; the schema already says so.
    if (e?.type === 'webhook') return;
    const events = Array.isArray(e?.events) ? e.events : e?.type === 'rtmp' ? ['video_mixed_flv.data'] : [];
    for (const [event, switchName] of EVENT_NEEDS) {
      if (events.includes(event) && !present(config[switchName])) {
        issues.push({
          path: formatPath(['recording_config', 'realtime_endpoints', i, 'events']),
          message: `${event} needs recording_config.${switchName} to be set ({})`,
        });
      }
    }
  });
  return issues;
}

export function crossFieldIssues(body: Body, opts: CrossCheckOptions): ConfigIssue[] {
  const issues = [...exclusivityIssues(body), ...realtimeSwitchIssues(body)];
  if (isAttendeeBody(body)) issues.push(...attendeeIssues(body));
  for (const [path, url] of outgoingUrls(body)) {
    const problem = outgoingUrlIssue(url, opts);
    if (problem) issues.push({ path: formatPath(path), message: problem });
  }
  return issues;
}
