import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STATUS_CODES, SUB_CODES, type StatusCode } from '../../src/lifecycle/codes.js';
import { BotLifecycle, IllegalTransitionError } from '../../src/lifecycle/machine.js';
import { ALLOWED_TRANSITIONS, isTerminal } from '../../src/lifecycle/transitions.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// The table written out independently of the implementation, so a change to either is caught.
const EXPECTED: Record<StatusCode, StatusCode[]> = {
  ready: ['joining_call', 'fatal'],
  joining_call: ['in_waiting_room', 'in_call_not_recording', 'call_ended', 'fatal'],
  in_waiting_room: ['in_call_not_recording', 'call_ended', 'fatal'],
  in_call_not_recording: ['in_call_recording', 'call_ended', 'fatal'],
  in_call_recording: ['in_call_not_recording', 'call_ended', 'fatal'],
  call_ended: ['done', 'fatal'],
  done: [],
  fatal: [],
};

/** A shortest allowed path from `ready` to `target`, to put a fresh machine in any state. */
function pathTo(target: StatusCode): StatusCode[] {
  const queue: StatusCode[][] = [[]];
  const seen = new Set<StatusCode>(['ready']);
  while (queue.length) {
    const path = queue.shift()!;
    const at = path.at(-1) ?? 'ready';
    if (at === target) return path;
    for (const next of EXPECTED[at]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push([...path, next]);
      }
    }
  }
  throw new Error(`unreachable ${target}`);
}

function machineAt(code: StatusCode): BotLifecycle {
  const m = new BotLifecycle();
  for (const c of pathTo(code)) m.transition(c, c === 'fatal' ? 'bot_errored' : null);
  expect(m.code).toBe(code);
  return m;
}

describe('lifecycle transitions', () => {
  it('matches the documented table', () => {
    expect(ALLOWED_TRANSITIONS).toEqual(EXPECTED);
  });

  for (const from of STATUS_CODES) {
    for (const to of STATUS_CODES) {
      const allowed = EXPECTED[from].includes(to);
      it(`${from} -> ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const m = machineAt(from);
        const before = m.events.length;
        if (allowed) {
          const e = m.transition(to, 'bot_received_leave_call');
          expect(m.code).toBe(to);
          expect(e).toMatchObject({ event: `bot.${to}`, code: to, sub_code: 'bot_received_leave_call' });
          expect(m.events).toHaveLength(before + 1);
        } else {
          expect(() => m.transition(to)).toThrow(IllegalTransitionError);
          expect(m.code).toBe(from);
          expect(m.events).toHaveLength(before);
        }
      });
    }
  }

  it('done and fatal are the only terminal states', () => {
    expect(STATUS_CODES.filter(isTerminal)).toEqual(['done', 'fatal']);
  });

  it('announces each transition to listeners in order, with timestamps from the clock', () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const clock = { now: () => new Date((t += 1000)), monotonicMs: () => t };
    const m = new BotLifecycle(clock);
    const seen: string[] = [];
    m.onTransition((e) => seen.push(`${e.code}:${e.sub_code}:${e.created_at}`));
    m.transition('joining_call');
    m.transition('in_waiting_room');
    m.transition('call_ended', 'bot_kicked_from_waiting_room', { text: 'denied' });
    expect(seen).toEqual([
      'joining_call:null:2026-01-01T00:00:01.000Z',
      'in_waiting_room:null:2026-01-01T00:00:02.000Z',
      'call_ended:bot_kicked_from_waiting_room:2026-01-01T00:00:03.000Z',
    ]);
    expect(m.events.at(-1)?.detail).toEqual({ text: 'denied' });
  });
});

describe('sub_codes', () => {
  // A documented sub_code nobody emits is a promise the runtime does not keep: each must appear, quoted, in
  // the code that decides an end (adapters' end screens, rules, faults) or a progress change.
  const sources = [join(ROOT, 'src'), join(ROOT, 'platforms')]
    .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith(join('lifecycle', 'codes.ts')))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  it.each(SUB_CODES)('%s is emitted by some code', (code) => {
    expect(sources).toContain(`'${code}'`);
  });
});
