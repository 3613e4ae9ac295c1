import { formatPath } from '../../src/config/errors.js';

/**
 * A generated corpus of malformed and hostile Create Bot bodies, each with the field its error must name.
 * Every body is invalid by construction: each breaks one field of an otherwise valid body (or the body as
 * a whole: `(body)`). Generated lazily: some bodies are megabytes.
 */
export interface HostileCase {
  name: string;
  /** The JSON text as sent (on stdin, in a file, in BOT_CONFIG). */
  text: string;
  /** The path an error line must name (or lie under, e.g. a too-deep nesting below it). */
  field: string;
  /** Raw bytes to send instead of the UTF-8 of `text` (bytes that are not UTF-8 at all). */
  bytes?: Buffer;
}

const MEET = 'https://meet.google.com/abc-defg-hij';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** A body that is valid except for `value` at `path` (objects and arrays on the way are created). */
function bodyWith(path: Path, value: Json | typeof RAW_INFINITY, base: Record<string, Json> = { meeting_url: MEET }): string {
  const body: Record<string, Json> = structuredClone(base);
  let node: any = body;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    node[key] ??= nextIsIndex ? [] : {};
    node = node[key];
  }
  // defineProperty: a key such as "__proto__" must become an own property, as JSON.parse makes it.
  Object.defineProperty(node, path.at(-1)!, { value: value === RAW_INFINITY ? '__INF__' : value, enumerable: true, writable: true, configurable: true });
  const text = JSON.stringify(body);
  return value === RAW_INFINITY ? text.replace('"__INF__"', '1e400') : text;
}
/** JSON's 1e400, which JSON.parse reads as Infinity. */
const RAW_INFINITY = Symbol('1e400');

function c(name: string, path: Path, value: Json | typeof RAW_INFINITY, base?: Record<string, Json>): HostileCase {
  return { name, text: bodyWith(path, value, base), field: formatPath(path) };
}

/** `map`: string values only (metadata); `anymap`: any values (zoom_settings.meeting_settings). */
/** `timed`: seconds, or Recall's {timeout, activate_after} object (so {} is valid). */
type Kind = 'string' | 'int' | 'timed' | 'bool' | 'object' | 'array' | 'enum' | 'map' | 'anymap' | 'url';

/** Fields across both APIs, by kind; `base` supplies what a nested field needs around it. */
const FIELDS: { path: Path; kind: Kind; nullable?: boolean; base?: Record<string, Json> }[] = [
  { path: ['meeting_url'], kind: 'url' },
  { path: ['bot_name'], kind: 'string' },
  { path: ['join_at'], kind: 'string', nullable: true },
  { path: ['metadata'], kind: 'map' },
  { path: ['deduplication_key'], kind: 'string' },
  { path: ['recording_config'], kind: 'object', nullable: true },
  { path: ['recording_config', 'video_mixed_layout'], kind: 'enum' },
  { path: ['recording_config', 'realtime_endpoints'], kind: 'array' },
  { path: ['recording_config', 'realtime_endpoints', 0, 'url'], kind: 'url', base: { meeting_url: MEET, recording_config: { realtime_endpoints: [{ type: 'websocket', events: ['participant_events.join'] }] } } },
  { path: ['chat'], kind: 'object', nullable: true },
  { path: ['chat', 'on_bot_join'], kind: 'object', nullable: true },
  { path: ['chat', 'on_bot_join', 'message'], kind: 'string', base: { meeting_url: MEET, chat: { on_bot_join: { send_to: 'everyone' } } } },
  { path: ['chat', 'on_bot_join', 'send_to'], kind: 'enum', base: { meeting_url: MEET, chat: { on_bot_join: { message: 'hi' } } } },
  { path: ['automatic_leave'], kind: 'object', nullable: true },
  { path: ['automatic_leave', 'waiting_room_timeout'], kind: 'timed' },
  { path: ['automatic_leave', 'everyone_left_timeout'], kind: 'timed' },
  { path: ['automatic_leave', 'in_call_recording_timeout'], kind: 'int', nullable: true },
  { path: ['bot_chat_message', 'message'], kind: 'string', base: { meeting_url: MEET, bot_chat_message: { to: 'everyone' } } },
  { path: ['bot_chat_message', 'to'], kind: 'enum', base: { meeting_url: MEET, bot_chat_message: { message: 'hi' } } },
  { path: ['automatic_leave_settings', 'silence_timeout_seconds'], kind: 'int' },
  { path: ['automatic_leave_settings', 'max_uptime_seconds'], kind: 'int', nullable: true },
  { path: ['recording_settings', 'format'], kind: 'enum' },
  { path: ['recording_settings', 'resolution'], kind: 'enum' },
  { path: ['recording_settings', 'record_chat_messages_when_paused'], kind: 'bool' },
  { path: ['debug_settings', 'create_debug_recording'], kind: 'bool' },
  { path: ['webhooks'], kind: 'array' },
  { path: ['webhooks', 0, 'url'], kind: 'url', base: { meeting_url: MEET, webhooks: [{ triggers: ['bot.state_change'] }] } },
  { path: ['webhooks', 0, 'triggers'], kind: 'array', base: { meeting_url: MEET, webhooks: [{ url: 'https://hooks.example.com/x' }] } },
  { path: ['callback_settings', 'zoom_tokens_url'], kind: 'url' },
  { path: ['zoom_settings', 'meeting_settings'], kind: 'anymap' },
  { path: ['breakout_room', 'mode'], kind: 'enum' },
];

/** Values of the wrong type for a kind (null only where the field is not nullable). */
function wrongValues(kind: Kind, nullable: boolean): [string, Json | typeof RAW_INFINITY][] {
  const all: [string, Json | typeof RAW_INFINITY][] = [
    ['null', null], ['zero', 0], ['negative', -1], ['float', 1.5], ['huge number', 1e300], ['Infinity', RAW_INFINITY],
    ['true', true], ['false', false], ['empty string', ''], ['numeric string', '60'], ['word', 'yes'],
    ['empty array', []], ['array of strings', ['a', 'b']], ['array of objects', [{ a: 1 }]],
    ['empty object', {}], ['object', { a: 'b' }], ['nested object', { a: { b: { c: 'd' } } }],
  ];
  const wrongFor: Record<Kind, (v: Json | typeof RAW_INFINITY) => boolean> = {
    string: (v) => typeof v !== 'string' || v === '',
    url: (v) => typeof v !== 'string' || !/^https:\/\//.test(v),
    int: (v) => v === RAW_INFINITY || typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1e9,
    timed: (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v).length > 0 : v === RAW_INFINITY || typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1e9),
    bool: (v) => typeof v !== 'boolean',
    enum: (v) => typeof v !== 'string' || ['', '60', 'yes'].includes(v),
    object: (v) => typeof v !== 'object' || Array.isArray(v) || (v !== null && Object.keys(v).length > 0),
    array: (v) => !Array.isArray(v) || v.length > 0,
    map: (v) => typeof v !== 'object' || Array.isArray(v) || JSON.stringify(v).includes('{"b"'),
    anymap: (v) => typeof v !== 'object' || Array.isArray(v),
  };
  return all.filter(([, v]) => (v === null ? !nullable : wrongFor[kind](v)));
}

function* wrongTypes(): Generator<HostileCase> {
  for (const f of FIELDS) {
    for (const [label, value] of wrongValues(f.kind, f.nullable ?? false)) {
      yield c(`wrong type: ${formatPath(f.path)} = ${label}`, f.path, value, f.base);
    }
  }
}

const HUGE = [100_000, 1_000_000, 4_000_000];
const STRING_FIELDS: { path: Path; base?: Record<string, Json> }[] = [
  { path: ['meeting_url'] },
  { path: ['bot_name'] },
  { path: ['deduplication_key'] },
  { path: ['metadata', 'customer'] },
  { path: ['chat', 'on_bot_join', 'message'] },
  { path: ['bot_chat_message', 'message'] },
  { path: ['webhooks', 0, 'url'], base: { meeting_url: MEET, webhooks: [{ triggers: ['bot.state_change'] }] } },
  { path: ['calendar_event_id'], base: {} },
];

function* hugeStrings(): Generator<HostileCase> {
  for (const f of STRING_FIELDS) {
    for (const n of HUGE) {
      const pattern = ['A', '<script>alert(1)</script>', 'https://meet.google.com/'][n % 3]!;
      yield c(`huge string: ${formatPath(f.path)} of ${n} characters`, f.path, pattern.repeat(Math.ceil(n / pattern.length)).slice(0, n), f.base);
    }
  }
  yield { name: 'body over 16 MiB', text: JSON.stringify({ meeting_url: MEET, bot_name: 'x'.repeat(17 * 1024 * 1024) }), field: '(body)' };
  yield c('metadata key of 300 characters', ['metadata', 'k'.repeat(300)], 'v');
  yield c('10000 metadata keys', ['metadata'], Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])));
  yield c('10000 webhooks', ['webhooks'], Array.from({ length: 10_000 }, () => ({ url: 'https://hooks.example.com/x', triggers: ['bot.state_change'] })));
}

/** `depth` levels of `{"a": ...}` or `[...]` around `leaf`, as JSON text (JSON.stringify would overflow first). */
function nestedText(depth: number, leaf: string, objects: boolean): string {
  return (objects ? '{"a":' : '[').repeat(depth) + leaf + (objects ? '}' : ']').repeat(depth);
}

function* deepNesting(): Generator<HostileCase> {
  const sites: [string, Path][] = [
    ['zoom_settings.meeting_settings', ['zoom_settings', 'meeting_settings', 'x']],
    ['webex', ['webex', 'x']],
    ['metadata', ['metadata', 'x']],
    ['bot_name', ['bot_name']],
    ['an unknown field', ['deep']],
  ];
  for (const depth of [33, 40, 1000, 100_000]) {
    for (const objects of [true, false]) {
      for (const [label, path] of sites) {
        const text = bodyWith(path, '__NEST__').replace('"__NEST__"', nestedText(depth, '"y"', objects));
        yield { name: `${depth} nested ${objects ? 'objects' : 'arrays'} in ${label}`, text, field: formatPath(path) };
      }
    }
    yield { name: `${depth} nested arrays as the body`, text: nestedText(depth, '1', false), field: '(body)' };
  }
}

const UNKNOWN_KEYS = ['botName', 'meetingUrl', 'Meeting_URL', 'bot_name ', ' bot_name', 'extra', '', ' ', '$where', '$gt', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '__lookupSetter__', 'isAdmin', 'role', '../../etc/passwd', 'a.b', 'a[0]', '🙂', 'ключ', 'x'.repeat(5000)];
const STRICT_OBJECTS: { path: Path; base?: Record<string, Json> }[] = [
  { path: [] },
  { path: ['recording_config'] },
  { path: ['chat', 'on_bot_join'], base: { meeting_url: MEET, chat: { on_bot_join: { message: 'hi' } } } },
  { path: ['automatic_leave'] },
  { path: ['automatic_leave_settings'] },
  { path: ['recording_settings'] },
  { path: ['bot_chat_message'], base: { meeting_url: MEET, bot_chat_message: { message: 'hi' } } },
  { path: ['webhooks', 0], base: { meeting_url: MEET, webhooks: [{ url: 'https://hooks.example.com/x', triggers: ['bot.state_change'] }] } },
];

function* unknownFields(): Generator<HostileCase> {
  for (const o of STRICT_OBJECTS) {
    for (const key of UNKNOWN_KEYS) {
      yield c(`unknown field ${JSON.stringify(key.slice(0, 20))} in ${formatPath(o.path)}`, [...o.path, key], 'x', o.base);
    }
  }
}

const POLLUTING = ['__proto__', 'constructor', 'prototype'];
const POLLUTION_SITES: Path[] = [
  [], ['metadata'], ['zoom_settings', 'meeting_settings'], ['webex'], ['recording_config'], ['automatic_leave'],
  ['chat', 'on_bot_join'], ['recording_config', 'transcript', 'provider'], ['recording_config', 'realtime_endpoints', 0, 'metadata'],
  ['automatic_leave_settings'], ['metadata', 'nested'], ['webhooks', 0],
];

function* prototypePollution(): Generator<HostileCase> {
  const values: [string, Json][] = [['object', { polluted: 'yes', isAdmin: true }], ['string', 'polluted'], ['null', null], ['array', ['polluted']]];
  for (const site of POLLUTION_SITES) {
    for (const key of POLLUTING) {
      for (const [label, value] of values) yield c(`${key} (${label}) in ${formatPath(site)}`, [...site, key], value);
    }
  }
  // The JSON text with __proto__ written out, as an attacker sends it (not via an object literal).
  for (const key of POLLUTING) {
    yield { name: `raw ${key} in metadata`, text: `{"meeting_url":"${MEET}","metadata":{"${key}":{"toString":"x"}}}`, field: `metadata.${key}` };
    yield { name: `raw ${key} at the top`, text: `{"meeting_url":"${MEET}","${key}":{"bot_name":"Admin"}}`, field: key };
  }
}

const HOSTILE_MEETING_URLS = [
  'javascript:alert(1)', 'JAVASCRIPT:alert(document.cookie)', 'javascript://meet.google.com/%0aalert(1)', 'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', 'file:///etc/passwd', 'file://meet.google.com/abc-defg-hij', 'ftp://meet.google.com/abc-defg-hij',
  'http://meet.google.com/abc-defg-hij', 'ws://meet.google.com/abc-defg-hij', 'chrome://settings', 'chrome://crash', 'about:blank', 'view-source:https://meet.google.com/abc-defg-hij',
  'blob:https://meet.google.com/abc', 'vbscript:msgbox(1)', 'https://meet.google.com.evil.example/abc-defg-hij', 'https://evil.example/meet.google.com/abc-defg-hij',
  'https://meet.google.com@evil.example/abc-defg-hij', 'https://user:pass@meet.google.com/abc-defg-hij', 'https://evilmeet.google.com/abc-defg-hij',
  'https://meet.google.co/abc-defg-hij', 'https://meet.gооgle.com/abc-defg-hij', 'https://xn--meet-google-xyz.com/abc-defg-hij', 'https://127.0.0.1/abc-defg-hij',
  'https://localhost/abc-defg-hij', 'https://[::1]/abc-defg-hij', 'https://169.254.169.254/latest/meta-data/', 'https://metadata.google.internal/computeMetadata/v1/',
  'https://10.0.0.1/abc-defg-hij', 'https://192.168.1.1/j/123456789', 'https://0.0.0.0/abc-defg-hij', 'https://2130706433/abc-defg-hij', 'https://0x7f000001/abc-defg-hij',
  'https://[::ffff:127.0.0.1]/abc-defg-hij', 'https:\\\\meet.google.com\\abc-defg-hij', 'https:/meet.google.com/abc-defg-hij',
  'meet.google.com/abc-defg-hij/../../admin', 'https://meet.google.com/abc-defg-hi', 'https://meet.google.com/abcd-efg-hij', 'https://meet.google.com/', 'https://meet.google.com',
  'https://meet.google.com/abc-defg-hij%00', 'https://meet.google.com/abc-defg-hij\u0000', 'https://meet.google.com/abc-defg-hij\r\nX-Injected: 1', 'https://meet.google.com/abc defg hij',
  ' https://meet.google.com/ abc-defg-hij', 'https://meet.google.com/abc-defg-hij\u202e', 'https://meet.google.com/<script>alert(1)</script>', 'https://meet.google.com/"onmouseover="alert(1)',
  "https://meet.google.com/abc-defg-hij'--", 'https://zoom.us/j/abc', 'https://zoom.us.evil.example/j/85551234567', 'https://evil.example/zoom.us/j/85551234567',
  'https://zoom.us/j/', 'https://zoom.us/j/85551234567\u0000?pwd=x', 'https://webex.com.evil.example/meet/alice', 'https://evil.example/webex.com/meet/alice',
  'https://teams.microsoft.com/l/meetup-join/19%3ameeting', 'https://teams.microsoft.com.evil.example/meet/27101570297097', 'https://teams-microsoft.com/meet/27101570297097',
  'https://evil.example/teams.microsoft.com/meet/27101570297097', 'https://teams.live.com@evil.example/meet/27101570297097', 'https://teams.microsoft.com/meetingoptions/',
  'https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2F', 'https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2F169.254.169.254%2F',
  'https://example.com/', 'https://', 'https://:443/', 'not a url', '%%%', '\u0000', ' ', 'https://meet.google.com/abc-defg-hij#\u0000',
];
const HOSTILE_OUTGOING_URLS = [
  'https://169.254.169.254/latest/meta-data/', 'https://metadata.google.internal/x', 'https://127.0.0.1/hook', 'https://localhost/hook', 'https://[::1]/hook', 'https://10.1.2.3/hook',
  'https://172.16.0.1/hook', 'https://192.168.0.10/hook', 'https://100.100.100.200/latest', 'https://0.0.0.0/hook', 'https://2130706433/hook', 'https://0x7f.1/hook', 'http://hooks.example.com/x',
  'file:///etc/passwd', 'javascript:alert(1)', 'gopher://evil.example:70/_x', 'ftp://hooks.example.com/x', 'https://user:pass@hooks.example.com@127.0.0.1/x', 'https://[fe80::1]/x', 'not a url',
];

function* hostileUrls(): Generator<HostileCase> {
  for (const url of HOSTILE_MEETING_URLS) yield c(`meeting_url ${JSON.stringify(url).slice(0, 60)}`, ['meeting_url'], url);
  for (const url of HOSTILE_OUTGOING_URLS) {
    yield c(`webhook url ${url}`, ['webhooks', 0, 'url'], url, { meeting_url: MEET, webhooks: [{ triggers: ['bot.state_change'] }] });
    yield c(`realtime endpoint url ${url}`, ['recording_config', 'realtime_endpoints', 0, 'url'], url.replace(/^https:/, 'wss:'), {
      meeting_url: MEET,
      recording_config: { realtime_endpoints: [{ type: 'websocket', events: ['participant_events.join'] }] },
    });
    yield c(`zoom_tokens_url ${url}`, ['callback_settings', 'zoom_tokens_url'], url);
  }
}

function* controlCharacters(): Generator<HostileCase> {
  const controls = [...Array.from({ length: 32 }, (_, i) => i), 0x7f, ...Array.from({ length: 32 }, (_, i) => 0x80 + i), 0x2028, 0x2029, 0x202e, 0x2066];
  for (const code of controls) {
    const ch = String.fromCharCode(code);
    const hex = code.toString(16).padStart(4, '0');
    yield c(`bot_name with U+${hex}`, ['bot_name'], `Note${ch}taker`);
    yield c(`meeting_url with U+${hex}`, ['meeting_url'], `https://meet.google.com/abc-${ch}defg-hij`);
  }
  yield c('bot_name of zero-width spaces only', ['bot_name'], '\u200b\u200b');
  yield c('bot_name of spaces only', ['bot_name'], '    ');
  yield c('NUL in a chat message', ['chat', 'on_bot_join', 'message'], 'hello\u0000world');
  yield c('NUL in a metadata value', ['metadata', 'customer'], 'acme\u0000');
  yield c('NUL in a metadata key', ['metadata', 'cus\u0000tomer'], 'acme');
  yield c('NUL in deduplication_key', ['deduplication_key'], 'k\u0000');
}

function* invalidUtf16(): Generator<HostileCase> {
  const lone = ['\ud800', '\udbff', '\udc00', '\udfff', 'a\ud83d', '\ude00b', '\udc00\ud800'];
  const sites: { path: Path; base?: Record<string, Json> }[] = [
    { path: ['bot_name'] }, { path: ['meeting_url'] }, { path: ['metadata', 'customer'] }, { path: ['deduplication_key'] },
    { path: ['chat', 'on_bot_join', 'message'] }, { path: ['bot_chat_message', 'message'] }, { path: ['join_at'] },
    { path: ['zoom_settings', 'meeting_settings', 'topic'] }, { path: ['webhooks', 0, 'url'], base: { meeting_url: MEET, webhooks: [{ triggers: ['bot.state_change'] }] } },
  ];
  for (const site of sites) {
    for (const s of lone) yield c(`lone surrogate ${JSON.stringify(s)} in ${formatPath(site.path)}`, site.path, `x${s}y`, site.base);
  }
  for (const s of lone.slice(0, 4)) yield c(`lone surrogate in a metadata key`, ['metadata', `k${s}`], 'v');
}

const MALFORMED_JSON = [
  '', ' ', '\n', '\ufeff', 'null', 'true', '0', '"https://meet.google.com/abc-defg-hij"', '[]', `["${MEET}"]`, '{', '}', '{"meeting_url":', `{"meeting_url":"${MEET}"`,
  `{"meeting_url":"${MEET}",}`, `{'meeting_url':'${MEET}'}`, `{meeting_url:"${MEET}"}`, `{"meeting_url":"${MEET}"} trailing`, `{"meeting_url":"${MEET}"}{}`,
  `// comment\n{"meeting_url":"${MEET}"}`, `{"meeting_url":"${MEET}", "bot_name": NaN}`, `{"meeting_url":"${MEET}", "bot_name": undefined}`,
  `{"meeting_url":"${MEET}", "bot_name": Infinity}`, `{"meeting_url":"${MEET}", "bot_name": 0x10}`, `{"meeting_url":"${MEET}", "bot_name": "\\x41"}`,
  `{"meeting_url":"${MEET}", "bot_name": "\\u12"}`, `{"meeting_url":"${MEET}", "bot_name": "tab\there"}`, '<bot><meeting_url>x</meeting_url></bot>',
  'meeting_url: https://meet.google.com/abc-defg-hij', `meeting_url=${MEET}`, '\u0000\u0001\u0002', '\uffff\ufffe', '{"a":1}\u0000', '{}', `{"bot_name":"Notetaker"}`,
];

function* malformedJson(): Generator<HostileCase> {
  for (const text of MALFORMED_JSON) {
    const field = text === '{}' || text === `{"bot_name":"Notetaker"}` ? 'meeting_url' : '(body)';
    yield { name: `malformed ${JSON.stringify(text).slice(0, 50)}`, text, field };
  }
  const bytes = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]);
  yield { name: 'invalid UTF-8 bytes', text: bytes.toString('utf8'), bytes, field: '(body)' };
}

function* conflicts(): Generator<HostileCase> {
  const pairs: [string, Record<string, Json>][] = [
    ['calendar_event_id', { meeting_url: MEET, calendar_event_id: 'cal_1' }],
    ['bot_chat_message', { meeting_url: MEET, chat: { on_bot_join: { message: 'a' } }, bot_chat_message: { message: 'b' } }],
    ['automatic_leave_settings', { meeting_url: MEET, automatic_leave: {}, automatic_leave_settings: {} }],
    ['recording_settings', { meeting_url: MEET, recording_config: {}, recording_settings: { format: 'mp4' } }],
    ['google_meet_settings', { meeting_url: MEET, google_meet: {}, google_meet_settings: {} }],
  ];
  for (const [field, body] of pairs) yield { name: `conflict on ${field}`, text: JSON.stringify(body), field };
}

export function* hostileCorpus(): Generator<HostileCase> {
  yield* wrongTypes();
  yield* hugeStrings();
  yield* deepNesting();
  yield* unknownFields();
  yield* prototypePollution();
  yield* hostileUrls();
  yield* controlCharacters();
  yield* invalidUtf16();
  yield* malformedJson();
  yield* conflicts();
}
