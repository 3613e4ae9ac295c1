import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BODY_PATH, MAX_REPORTED_ISSUES, type ConfigIssue } from '../../src/config/errors.js';
import {
  formatConfigErrors,
  parseBotConfig,
  parseBotConfigText,
  type ParseResult,
} from '../../src/config/normalize.js';

interface InvalidCase {
  name: string;
  body: unknown;
  /** Every error the body must produce, and no other: exact path, message containing the text. */
  errors: ConfigIssue[];
}

const CASES: InvalidCase[] = JSON.parse(
  readFileSync(new URL('../../fixtures/config/invalid/cases.json', import.meta.url), 'utf8'),
) as InvalidCase[];

const MEET = 'https://meet.google.com/abc-defg-hij';

function errorsOf(result: ParseResult): ConfigIssue[] {
  if (result.ok) throw new Error(`expected errors, got a valid spec for ${result.spec.meeting.original_url}`);
  return result.errors;
}

function expectExactly(errors: ConfigIssue[], expected: ConfigIssue[]): void {
  expect(errors.map((e) => e.path).sort()).toEqual(expected.map((e) => e.path).sort());
  for (const want of expected) {
    const matching = errors.filter((e) => e.path === want.path && e.message.includes(want.message));
    expect(matching, `${want.path}: "${want.message}" in ${JSON.stringify(errors)}`).not.toHaveLength(0);
  }
}

describe('invalid bodies (fixtures/config/invalid/cases.json)', () => {
  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectExactly(errorsOf(parseBotConfig(c.body)), c.errors);
  });
});

describe("Recall's smallest silence rule", () => {
  // The e2e silence case runs on Attendee's body, whose timer may be shorter: Recall's minimum is held here.
  const silence = (rule: object) => parseBotConfig({ meeting_url: MEET, automatic_leave: { silence_detection: rule } });

  it('is 10 s armed after 1 s, taken as given', () => {
    const r = silence({ timeout: 10, activate_after: 1 });
    expect(r.ok && r.spec.automatic_leave.silence).toEqual({ timeout: 10, activate_after: 1 });
  });

  it('refuses anything below it', () => {
    expectExactly(errorsOf(silence({ timeout: 9, activate_after: 1 })), [{ path: 'automatic_leave.silence_detection.timeout', message: 'must be >= 10 (got 9)' }]);
    expectExactly(errorsOf(silence({ timeout: 10, activate_after: 0 })), [{ path: 'automatic_leave.silence_detection.activate_after', message: 'must be >= 1 (got 0)' }]);
  });
});

describe('invalid bodies built in code', () => {
  const cases: [string, unknown, ConfigIssue[]][] = [
    [
      'bot_name of 101 characters',
      { meeting_url: MEET, bot_name: 'b'.repeat(101) },
      [{ path: 'bot_name', message: 'must be at most 100 characters (got 101)' }],
    ],
    [
      'Recall chat message of 4097 characters',
      { meeting_url: MEET, chat: { on_bot_join: { message: 'm'.repeat(4097) } } },
      [{ path: 'chat.on_bot_join.message', message: 'must be at most 4096 characters (got 4097)' }],
    ],
    [
      'Attendee chat message of 10000 characters',
      { meeting_url: MEET, bot_chat_message: { message: 'm'.repeat(10_000) } },
      [{ path: 'bot_chat_message.message', message: 'must be at most 9999 characters (got 10000)' }],
    ],
    [
      'meeting_url of 3000 characters',
      { meeting_url: `https://zoom.us/j/${'1'.repeat(3000)}` },
      [{ path: 'meeting_url', message: 'must be at most 2048 characters' }],
    ],
    [
      'deduplication_key of 1025 characters',
      { meeting_url: MEET, deduplication_key: 'k'.repeat(1025) },
      [{ path: 'deduplication_key', message: 'must be at most 1024 characters (got 1025)' }],
    ],
    [
      'Attendee metadata over 1000 characters of JSON',
      { meeting_url: MEET, debug_settings: {}, metadata: { notes: 'n'.repeat(1000) } },
      [{ path: 'metadata', message: 'must be at most 1000 characters as JSON' }],
    ],
    [
      'metadata with 51 keys',
      { meeting_url: MEET, metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      [{ path: 'metadata', message: 'must have at most 50 keys' }],
    ],
    [
      'a key that is not an identifier is quoted in the path',
      { meeting_url: MEET, 'bot name': 'x' },
      [{ path: '["bot name"]', message: 'Unexpected field: "bot name".' }],
    ],
    [
      'NaN is not a number',
      { meeting_url: MEET, automatic_leave: { in_call_not_recording_timeout: Number.NaN } },
      [{ path: 'automatic_leave.in_call_not_recording_timeout', message: 'must be a number (got NaN)' }],
    ],
    [
      'a loopback meeting URL without the operator switch',
      { meeting_url: 'http://127.0.0.1:8080/abc-defg-hij' },
      [{ path: 'meeting_url', message: 'points at a loopback address (127.0.0.1)' }],
    ],
  ];
  it.each(cases)('%s', (_name, body, expected) => {
    expectExactly(errorsOf(parseBotConfig(body)), expected);
  });

  it('names the platform mismatch when a platform is given', () => {
    expectExactly(errorsOf(parseBotConfig({ meeting_url: 'https://zoom.us/j/1' }, { platform: 'webex' })), [
      { path: 'meeting_url', message: 'is a Zoom link, but the platform was given as webex' },
    ]);
  });

  it('needs the platform named for a loopback URL even with the switch', () => {
    expectExactly(
      errorsOf(parseBotConfig({ meeting_url: 'http://127.0.0.1:8080/abc-defg-hij' }, { allowLoopback: true })),
      [{ path: 'meeting_url', message: 'needs the platform named explicitly' }],
    );
  });
});

describe('all errors of a body together', () => {
  it('reports schema, cross-field and meeting-URL errors of one body at once', () => {
    const errors = errorsOf(
      parseBotConfig({
        meeting_url: 'https://evilzoom.us/j/1',
        bot_name: '',
        colour: 'blue',
        automatic_leave: { silence_detection: { timeout: 5 }, waiting_room_timeout: 1 },
        automatic_leave_settings: { silence_timeout_seconds: 60 },
        recording_config: { video_mixed_mp4: { fps: 90 } },
        webhooks: [{ url: 'https://10.0.0.8/hook', triggers: ['bot.state_change'] }],
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      'automatic_leave.silence_detection.timeout',
      'automatic_leave.waiting_room_timeout',
      'automatic_leave_settings',
      'bot_name',
      'colour',
      'meeting_url',
      'recording_config.video_mixed_mp4.fps',
      'webhooks[0].url',
    ]);
    expect(errors.find((e) => e.path === 'meeting_url')?.message).toMatch(/lookalike/);
    expect(errors.find((e) => e.path === 'webhooks[0].url')?.message).toMatch(
      /private or internal network host \(10\.0\.0\.8\)/,
    );
  });

  it('caps a flood of errors and says how many were left out', () => {
    const body: Record<string, unknown> = { meeting_url: MEET };
    for (let i = 0; i < 500; i++) body[`unknown_${i}`] = i;
    const errors = errorsOf(parseBotConfig(body));
    expect(errors).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(errors.at(-1)).toEqual({ path: BODY_PATH, message: `${500 - MAX_REPORTED_ISSUES} more errors not shown` });
  });

  it('formats errors one per line with path and reason', () => {
    const errors = errorsOf(parseBotConfig({ meeting_url: 'ftp://zoom.us/j/1', bot_name: 7 }));
    expect(formatConfigErrors(errors).split('\n')).toEqual([
      '  - bot_name: must be a string (got 7)',
      '  - meeting_url: uses the "ftp:" scheme; meeting links must start with https://',
    ]);
  });
});

describe('hostile input never throws', () => {
  const nested = (depth: number, key: string): unknown => {
    let v: unknown = {};
    for (let i = 0; i < depth; i++) v = { [key]: v };
    return v;
  };
  const cyclic: Record<string, unknown> = { meeting_url: MEET };
  cyclic.recording_config = cyclic;
  const throwing = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('trap');
      },
      get() {
        throw new Error('trap');
      },
    },
  );
  const cases: [string, unknown, string, string][] = [
    ['null', null, BODY_PATH, 'must be a JSON object (got null)'],
    ['an array', [{ meeting_url: MEET }], BODY_PATH, 'must be a JSON object (got an array)'],
    ['a number', 42, BODY_PATH, 'must be a JSON object (got 42)'],
    ['a string', MEET, BODY_PATH, 'must be a JSON object (got "https://meet.google.com/abc-defg-hij")'],
    ['undefined', undefined, BODY_PATH, 'is required'],
    ['a function', () => 1, BODY_PATH, 'must be a JSON object (got a function)'],
    ['a bigint', 10n, BODY_PATH, 'must be a JSON object (got a bigint)'],
    ['deep nesting', nested(50_000, 'recording_config'), 'meeting_url', 'is required'],
    ['a cycle', cyclic, 'recording_config.meeting_url', 'Unexpected field: meeting_url'],
    ['a proxy that throws', throwing, BODY_PATH, 'could not be validated: trap'],
    [
      'a 5 MB bot_name',
      { meeting_url: MEET, bot_name: 'x'.repeat(5_000_000) },
      'bot_name',
      'must be at most 100 characters (got 5000000)',
    ],
    [
      'a million webhooks',
      { meeting_url: MEET, webhooks: new Array(1_000_000).fill({}) },
      'webhooks',
      'must have at most 2 items',
    ],
    [
      '__proto__ as a key',
      JSON.parse('{"meeting_url": "https://meet.google.com/abc-defg-hij", "__proto__": {"bot_name": "x"}}'),
      '__proto__',
      'Unexpected field: __proto__',
    ],
  ];
  it.each(cases)('%s', (_name, body, path, message) => {
    const errors = errorsOf(parseBotConfig(body));
    expect(errors.find((e) => e.path === path)?.message ?? JSON.stringify(errors)).toContain(message);
  });
});

describe('parseBotConfigText', () => {
  it.each([
    ['malformed JSON', '{"meeting_url": ', 'is not valid JSON'],
    ['a trailing comma', '{"meeting_url": "https://meet.google.com/abc-defg-hij",}', 'is not valid JSON'],
    ['empty text', '   \n', 'is empty; expected a JSON object'],
    ['deeply nested arrays', '['.repeat(100_000), 'is not valid JSON'],
    ['JSON null', 'null', 'must be a JSON object (got null)'],
  ])('%s is an error on (body)', (_name, text, message) => {
    const errors = errorsOf(parseBotConfigText(text));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe(BODY_PATH);
    expect(errors[0]?.message).toContain(message);
  });

  it('refuses text over the size limit before parsing it', () => {
    const errors = errorsOf(parseBotConfigText(' '.repeat(16 * 1024 * 1024 + 1)));
    expect(errors[0]?.message).toMatch(/^is too large/);
  });

  it('accepts a byte-order mark and reports field errors of parsed text', () => {
    expect(parseBotConfigText(`\uFEFF{"meeting_url": "${MEET}"}`).ok).toBe(true);
    expectExactly(
      errorsOf(parseBotConfigText('{"meeting_url": "https://meet.google.com/abc-defg-hij", "bot_name": 3}')),
      [{ path: 'bot_name', message: 'must be a string (got 3)' }],
    );
  });
});
