import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { pointerPathArgs, typeArgs } from '../../src/browser/osInput.js';
import { runCli, type CliIo } from '../../src/cliMain.js';
import { osUiInput, type OsDevice } from '../../src/platform/uiInput.js';
import type { RuntimeOptions } from '../../src/session/runtimeOptions.js';
import { createLogger } from '../../src/util/log.js';

// OS-level input (XTEST through xdotool) for the join steps: the pointer paths it draws, the CDP fallback, and
// the operator switch MEETBOT_UI_INPUT.

const fixed = (v: number) => () => v;

/** The (x, y) of every `mousemove` in xdotool arguments. */
function moves(args: string[]): [number, number][] {
  return args.flatMap((a, i) => (a === 'mousemove' ? [[Number(args[i + 1]), Number(args[i + 2])] as [number, number]] : []));
}

describe('pointerPathArgs', () => {
  it('moves in 8-25 steps along a bent path, lands exactly on the target, then presses and releases button 1', () => {
    const args = pointerPathArgs({ x: 640, y: 360 }, { x: 100, y: 600 }, fixed(0.9));
    const path = moves(args);
    expect(path.length).toBeGreaterThanOrEqual(8);
    expect(path.length).toBeLessThanOrEqual(25);
    expect(path.at(-1)).toEqual([100, 600]);
    // Bent: the midpoint of the path is off the straight line between the ends.
    const [mx, my] = path[Math.floor(path.length / 2)]!;
    const offLine = Math.abs((600 - 360) * (mx - 640) - (100 - 640) * (my - 360)) / Math.hypot(600 - 360, 100 - 640);
    expect(offLine).toBeGreaterThan(20);
    expect(args.slice(-6)).toEqual(['mousedown', '1', 'sleep', expect.stringMatching(/^0\.\d{3}$/), 'mouseup', '1']);
    expect(args).not.toContain('--sync'); // xdotool waits forever for a move to where the pointer already is
  });

  it('takes no more than ~0.7 s to travel, and distinct positions even for a short hop', () => {
    const args = pointerPathArgs({ x: 10, y: 10 }, { x: 1270, y: 710 }, fixed(0.5));
    const sleeps = args.flatMap((a, i) => (a === 'sleep' ? [Number(args[i + 1])] : []));
    expect(sleeps.slice(0, -1).reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(0.71);
    const short = moves(pointerPathArgs({ x: 100, y: 100 }, { x: 130, y: 110 }, fixed(0.2)));
    expect(new Set(short.map(String)).size).toBeGreaterThanOrEqual(5);
  });

  it('types with a per-key delay and ends its options before the text (a name may start with "-")', () => {
    expect(typeArgs('-Zoë ✓', fixed(0.5))).toEqual(['type', '--clearmodifiers', '--delay', '50', '--', '-Zoë ✓']);
  });
});

/** A Playwright locator and page stand-in: what osUiInput uses of them, with a record of the CDP actions. */
function fakePage(opts: { covered?: boolean; fieldText?: string } = {}) {
  const cdp: string[] = [];
  const locator = {
    scrollIntoViewIfNeeded: async () => undefined,
    boundingBox: async () => ({ x: 100, y: 200, width: 80, height: 40 }),
    evaluate: async (fn: unknown, arg: unknown) => (arg && typeof arg === 'object' && 'fx' in arg ? !opts.covered : (opts.fieldText ?? 'Bot')),
    click: async () => void cdp.push('click'),
    page: () => page,
  } as unknown as Locator;
  const page = {
    evaluate: async () => ({ x: 0, y: 0, dpr: 1 }),
    keyboard: { press: async (k: string) => void cdp.push(`press ${k}`), insertText: async (t: string) => void cdp.push(`insert ${t}`) },
  } as unknown as Page;
  return { page, locator, cdp };
}

function fakeDevice(works = true) {
  const calls: string[] = [];
  const device: OsDevice = {
    click: async (p) => (calls.push(`click ${Math.round(p.x)},${Math.round(p.y)}`), works),
    keys: async (...k) => (calls.push(`keys ${k.join(' ')}`), works),
    typeText: async (t) => (calls.push(`type ${t}`), works),
  };
  return { device, calls };
}

const log = createLogger({ minLevel: 'error', stderr: false, file: null });

describe('osUiInput', () => {
  it('clicks inside the middle half of the element through the device, and types with key events', async () => {
    const { page, locator, cdp } = fakePage();
    const { device, calls } = fakeDevice();
    const input = osUiInput(page, device, { stepTimeoutMs: 1000, log });
    await input.fill(locator, 'Bot');
    expect(calls[0]).toMatch(/^click (\d+),(\d+)$/);
    const [x, y] = calls[0]!.slice(6).split(',').map(Number) as [number, number];
    expect(x).toBeGreaterThanOrEqual(120);
    expect(x).toBeLessThanOrEqual(160);
    expect(y).toBeGreaterThanOrEqual(210);
    expect(y).toBeLessThanOrEqual(230);
    expect(calls.slice(1)).toEqual(['keys ctrl+a BackSpace', 'type Bot']);
    expect(cdp).toEqual([]);
    expect(input.mode).toBe('os');
  });

  it('clicks by CDP when something covers the element at the chosen point', async () => {
    const { page, locator, cdp } = fakePage({ covered: true });
    const { device, calls } = fakeDevice();
    await osUiInput(page, device, { stepTimeoutMs: 1000, log }).click(locator);
    expect(calls).toEqual([]);
    expect(cdp).toEqual(['click']);
  });

  it('inserts the text by CDP when the typed text did not arrive whole', async () => {
    const { page, locator, cdp } = fakePage({ fieldText: 'Zo Bot' });
    const { device } = fakeDevice();
    await osUiInput(page, device, { stepTimeoutMs: 1000, log }).fill(locator, 'Zoë Bot');
    expect(cdp).toEqual(['click', 'press Control+A', 'press Backspace', 'insert Zoë Bot']);
  });

  it('falls back to CDP for the rest of the run once the device fails (no xdotool, no display)', async () => {
    const { page, locator, cdp } = fakePage();
    const { device, calls } = fakeDevice(false);
    const input = osUiInput(page, device, { stepTimeoutMs: 1000, log });
    await input.click(locator);
    expect(input.mode).toBe('cdp');
    await input.click(locator);
    expect(calls).toHaveLength(1);
    expect(cdp).toEqual(['click', 'click']);
  });
});

describe('MEETBOT_UI_INPUT', () => {
  function io(): { io: CliIo; err: string[] } {
    const err: string[] = [];
    return { io: { stdout: { write: () => undefined }, stderr: { write: (s: string) => err.push(s) }, stdin: (async function* () {})() }, err };
  }
  const body = JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij' });

  it('reaches the runtime as auto by default, or as os / cdp from the variable or --ui-input', async () => {
    const seen: RuntimeOptions['uiInput'][] = [];
    const deps = { runBot: async (_spec: unknown, opts: RuntimeOptions) => (seen.push(opts.uiInput), { exitCode: 0 as const, final: { code: 'done' } as never }) };
    const out = mkdtempSync(join(tmpdir(), 'meetbot-ui-input-'));
    await runCli(['join', '--out', out], { BOT_CONFIG: body }, io().io, deps);
    await runCli(['join', '--out', out], { BOT_CONFIG: body, MEETBOT_UI_INPUT: 'cdp' }, io().io, deps);
    await runCli(['join', '--out', out, '--ui-input', 'os'], { BOT_CONFIG: body, MEETBOT_UI_INPUT: 'cdp' }, io().io, deps);
    expect(seen).toEqual(['auto', 'cdp', 'os']);
  });

  it('refuses a value it does not know, naming the variable, before any bot starts', async () => {
    const { io: cli, err } = io();
    const code = await runCli(['join'], { BOT_CONFIG: body, MEETBOT_UI_INPUT: 'xtest' }, cli, {
      runBot: () => {
        throw new Error('no bot may start');
      },
    });
    expect(code).toBe(2);
    expect(err.join('')).toContain('MEETBOT_UI_INPUT must be one of auto, os, cdp (got "xtest")');
  });
});
