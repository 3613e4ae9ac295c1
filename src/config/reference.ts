/**
 * Documentation generated from the zod schema itself: `botConfigJsonSchema()` for `meetbot schema`, and
 * `configReferenceMarkdown()` (one row per field path: type, default, description) for docs/configuration.md. Both walk
 * the same schema, so neither can drift from what `parseBotConfig` accepts.
 */
import { z } from 'zod';
import type { AutomaticLeaveSpec } from './botSpec.js';
import { ATTENDEE_LEAVE_DEFAULTS, RECALL_LEAVE_DEFAULTS } from './defaults.js';
import { botConfigSchema } from './schema.js';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

export function botConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(botConfigSchema, { io: 'input', unrepresentable: 'any' });
  return { ...schema, title: 'meetbot Create Bot body (Recall.ai and Attendee fields)' };
}

// ---- type rendering ------------------------------------------------------------------------------------------

const FORMATS: Record<string, string> = { 'date-time': 'ISO-8601 date-time', uri: 'URL', email: 'email', uuid: 'UUID' };

function range(min: number | undefined, max: number | undefined, unit = ''): string {
  const hasMax = max !== undefined && max < Number.MAX_SAFE_INTEGER;
  if (min !== undefined && hasMax) return ` ${min}..${max}${unit}`;
  if (min !== undefined) return ` >= ${min}${unit}`;
  if (hasMax) return ` <= ${max}${unit}`;
  return '';
}

function typeOf(node: JsonSchema): string {
  const branches = node.anyOf ?? node.oneOf;
  if (branches) return [...new Set(branches.map(typeOf))].join(' | ');
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  if (Array.isArray(node.type)) return node.type.map((t) => typeOf({ ...node, type: t })).join(' | ');
  switch (node.type) {
    case 'string':
      return node.format
        ? (FORMATS[node.format] ?? node.format)
        : `string${range(node.minLength, node.maxLength, ' chars')}`;
    case 'integer':
    case 'number':
      return `${node.type}${range(node.minimum, node.maximum)}`;
    case 'array':
      return `array${range(node.minItems, node.maxItems, ' items')} of (${node.items ? typeOf(node.items) : 'any'})`;
    case 'object':
      if (node.properties) return 'object';
      if (typeof node.additionalProperties === 'object') return `map of string to ${typeOf(node.additionalProperties)}`;
      return 'object';
    case 'boolean':
    case 'null':
      return node.type;
    default:
      return 'any';
  }
}

// ---- field rows ----------------------------------------------------------------------------------------------

interface Row {
  path: string;
  type: string;
  default: string;
  description: string;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Object-shaped parts of a node (the node itself, array items, union branches), with a label per branch. */
function objectParts(node: JsonSchema, path: string): [JsonSchema, string][] {
  if (node.properties) return [[node, path]];
  if (node.items) return objectParts(node.items, `${path}[]`);
  const branches = node.anyOf ?? node.oneOf ?? [];
  const objects = branches.filter((b) => b.properties || b.items);
  return objects.flatMap((b) => {
    const tag = b.properties?.type?.const;
    return objectParts(b, objects.length > 1 && tag !== undefined ? `${path}{type=${typeof tag === "string" ? tag : JSON.stringify(tag)}}` : path);
  });
}

function collect(node: JsonSchema, prefix: string, rows: Row[]): void {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const description =
      child.description ?? (child.anyOf ?? child.oneOf ?? []).find((b) => b.description)?.description ?? '';
    const required = node.required?.includes(name) ? '**required**. ' : '';
    rows.push({
      path,
      type: typeOf(child),
      default: child.default === undefined ? '' : `\`${JSON.stringify(child.default)}\``,
      description: `${required}${description}`,
    });
    for (const [part, partPath] of objectParts(child, path)) collect(part, partPath, rows);
  }
}

function fieldTable(): string {
  const rows: Row[] = [];
  collect(botConfigJsonSchema(), '', rows);
  return [
    '| field | type | default | description |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.path}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`),
  ].join('\n');
}

// ---- per-API defaults and mappings ---------------------------------------------------------------------------

function leaveValue(spec: AutomaticLeaveSpec, key: keyof AutomaticLeaveSpec): string {
  const v = spec[key];
  if (v === null) return 'off';
  if (typeof v === 'number') return `${v} s`;
  return `${v.timeout} s after ${v.activate_after} s`;
}

function leaveDefaultsTable(): string {
  const keys = Object.keys(RECALL_LEAVE_DEFAULTS) as (keyof AutomaticLeaveSpec)[];
  return [
    '| rule (BotSpec.automatic_leave) | Recall body | Attendee body |',
    '|---|---|---|',
    ...keys.map(
      (k) => `| \`${k}\` | ${leaveValue(RECALL_LEAVE_DEFAULTS, k)} | ${leaveValue(ATTENDEE_LEAVE_DEFAULTS, k)} |`,
    ),
  ].join('\n');
}

const MAPPINGS = [
  'A body is an **Attendee** body when it has any Attendee-only field (`bot_chat_message`, `automatic_leave_settings`, `recording_settings`, `websocket_settings`, `webhooks`, ...), otherwise a **Recall** body. Unknown fields are rejected with the list of allowed ones; every error of a body is reported at once.',
  'These pairs set the same thing and are rejected together: `chat.on_bot_join` / `bot_chat_message`, `automatic_leave` / `automatic_leave_settings`, `recording_config` / `recording_settings`, `google_meet` / `google_meet_settings`, `meeting_url` (and `join_at`) / `calendar_event_id`, `output_media` / `automatic_*_output`.',
  "Automatic-leave defaults come from the API whose leave object the body uses (or the body's API when it has none). Recall's object forms of `waiting_room_timeout` and `noone_joined_timeout` wait `activate_after + timeout`. Attendee's `only_participant_in_meeting_timeout_seconds` is the everyone-left rule and its `bot_keywords` become whole-word bot names (split on space, `-`, `_`) that only stop those participants counting as people, as in Attendee; Recall's `using_participant_names.matches` are case-insensitive substrings. `wait_for_host_timeout` is 600 s for both (Recall documents none).",
  'Recording: 1280x720 at 30 fps, video and audio, unless asked. Recall `video_mixed_layout: "audio_only"` records audio only; `video_mixed_mp4: null` records audio only when `audio_mixed_raw` is set and nothing otherwise; the meetbot extension `video_mixed_mp4: {resolution, fps}` sets the frame. Attendee `format: "mp3"` records audio only as MP3, `"none"` records nothing; `resolution` (720p/1080p) maps directly (meetbot defaults to 720p where Attendee defaults to 1080p). The picture is the meeting alone, laid out by meetbot from the participants’ own video (no toolbar, panels, dialogs or the bot’s own tile): Recall `video_mixed_layout` `speaker_view` (default; the active speaker large, the others in a column beside) or `gallery_view` / `gallery_view_v2` (a grid); Attendee `view` `speaker_view`, `speaker_view_no_sidebar` (the active speaker alone) or `gallery_view`; a screen share with `video_mixed_participant_video_when_screenshare` `overlap` (default; the active speaker small over the share), `beside` or `hide`. Names are drawn on the tiles as the platform shows them.',
  'Chat: only messages to everyone are sent. A join message for the host, everyone but the host or one user is not sent (and is reported), so a private message never reaches everyone.',
  "Realtime: Recall websocket endpoints get `audio_mixed_raw.data` (16 kHz) and `participant_events.*` in Recall's envelope; Attendee `websocket_settings.audio` gets `realtime_audio.mixed` at its `sample_rate`. Webhook and RTMP endpoints, transcripts and per-participant media are accepted but not produced.",
  "External storage: Attendee's `external_media_storage_settings` uploads the recording to `bucket_name` under `recording_file_name` (default: the bot id with the recording's extension) while it is recorded, into the S3-compatible store of the operator's runtime settings with the operator's credentials, never the body's ([Outputs](outputs.md#external-storage)).",
  'Accepted fields the runtime does not act on (output media, transcription, sign-in settings, a future `join_at`, ...) are listed with the reason in one warning when the bot starts.',
  'Outgoing URLs (webhooks, realtime endpoints, the Zoom token URLs `zoom.*_url` and `callback_settings.zoom_tokens_url`, and the accepted-only `voice_agent_settings` and `rtmp_settings` URLs) must not point at private, link-local or metadata hosts; `http://` and loopback receivers are accepted only with the operator switch `--allow-loopback`. The bot checks the Zoom token URLs again when it calls them, redirects and resolved addresses included.',
  'Anywhere in a body, free-form maps included: the keys `__proto__`, `constructor` and `prototype`, strings that are not valid UTF-16 (a lone surrogate), NUL characters and nesting deeper than 32 levels are refused, naming the path. Text is never interpreted: `bot_name` and chat messages are typed into the meeting as given (`bot_name` refuses control characters, bidi overrides and names with nothing visible).',
];

/** The configuration reference, generated from the schema (docs/configuration.md, section `config-reference`). */
export function configReferenceMarkdown(): string {
  return [
    '#### How bodies are read',
    '',
    ...MAPPINGS.map((m) => `- ${m}`),
    '',
    '#### Automatic-leave defaults',
    '',
    leaveDefaultsTable(),
    '',
    '#### Fields',
    '',
    fieldTable(),
    '',
  ].join('\n');
}
