import type { Frame, Locator } from 'playwright-core';
import { sleep, withTimeout } from '../util/async.js';
import type { Logger } from '../util/log.js';
import { JoinStepError, type AdapterContext, type PageScope } from './adapter.js';

/**
 * Page helpers for adapters. Each one is bounded in time and, when it fails, says which step failed and
 * which selectors it tried, so the failure evidence in the output folder explains itself.
 */

/**
 * One named step of an adapter (open the page, type the name, click Join, ...). At debug level bot.log gets the
 * step, how long it took and how it ended, so a join that fails on a real meeting can be followed from the log
 * alone. A failure that is not already a JoinStepError (a Playwright timeout, a detached frame) becomes one that
 * names the step: `join_step_timeout` for a timeout, else `ui_element_not_found`, never a bare `bot_errored`.
 */
export async function pageStep<T>(ctx: AdapterContext, step: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  ctx.log.debug('step', { step });
  try {
    const result = await work();
    ctx.log.debug('step done', { step, ms: ms() });
    return result;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    ctx.log.debug('step failed', { step, ms: ms(), error: message });
    if (err instanceof JoinStepError || ctx.signal.aborted) throw err;
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || /did not finish within|Timeout \d+ms exceeded/.test(err.message));
    throw new JoinStepError(step, [], timedOut ? 'join_step_timeout' : 'ui_element_not_found', message);
  }
}

/** Runs a function in the page with a deadline: a page that stops answering must not hang the bot. */
export function evaluateBounded<R, A>(scope: PageScope, fn: (arg: A) => R, arg: A, ms: number, what: string): Promise<R> {
  // Playwright's generic "unboxing" of the argument type does not fit a generic A; the call is the same.
  return withTimeout<R>(scope.evaluate(fn as never, arg as never), ms, what);
}

/** Anything that can look up elements: a page, a frame, or an element to search within. */
export type LocatorScope = PageScope | Locator;

export interface Found {
  locator: Locator;
  selector: string;
}

/**
 * The first selector (in the given order: most robust first) that matches an element in `state`, polling
 * all of them together until the deadline. Returns null on timeout instead of throwing, for optional screens.
 */
export async function findFirst(
  scope: LocatorScope,
  selectors: readonly string[],
  opts: FindOptions,
): Promise<Found | null> {
  const deadline = Date.now() + opts.timeoutMs;
  const state = opts.state ?? 'visible';
  for (;;) {
    for (const selector of selectors) {
      const locator = scope.locator(selector).first();
      try {
        const present = state === 'visible' ? await locator.isVisible() : (await locator.count()) > 0;
        if (present) {
          opts.log?.debug('found', { what: opts.what, selector });
          return { locator, selector };
        }
      } catch {
        /* a detached frame or a navigation in progress: try again on the next round */
      }
    }
    if (Date.now() >= deadline || opts.signal?.aborted) {
      if (opts.timeoutMs > 0) opts.log?.debug('not found', { what: opts.what, tried: selectors, ms: opts.timeoutMs });
      return null;
    }
    await sleep(Math.min(opts.pollMs ?? 250, Math.max(0, deadline - Date.now())));
  }
}

export interface FindOptions {
  timeoutMs: number;
  state?: 'visible' | 'attached';
  signal?: AbortSignal;
  pollMs?: number;
  /** With a log, the selector that matched (or that none did) is a debug line naming `what` was looked for. */
  log?: Logger;
  what?: string;
}

/** Like findFirst, but a missing element fails the step. */
export async function requireFirst(scope: LocatorScope, step: string, selectors: readonly string[], opts: FindOptions): Promise<Found> {
  const found = await findFirst(scope, selectors, { what: step, ...opts });
  if (!found) throw new JoinStepError(step, selectors, 'ui_element_not_found', `nothing matched within ${opts.timeoutMs} ms`);
  return found;
}

/** Bound of the click itself once the element is found; never 0, which Playwright reads as "no timeout". */
const MIN_CLICK_MS = 2000;

/**
 * Clicks the first visible match with a real (trusted) pointer click. `timeoutMs` bounds the wait for an
 * element (0 = look once); the click is bounded separately, so a control covered by a modal cannot hang the
 * bot. Returns the selector used, or null.
 */
export async function clickFirst(scope: LocatorScope, selectors: readonly string[], opts: FindOptions): Promise<string | null> {
  const found = await findFirst(scope, selectors, opts);
  if (!found) return null;
  await found.locator.click({ timeout: Math.max(opts.timeoutMs, MIN_CLICK_MS) });
  return found.selector;
}

/**
 * A positional click, else the element's own click(): a shroud, an overlay or a modal may lie over the control, and
 * some controls ignore positional clicks (LMA on Webex). The positional try gives up within 3 s.
 */
export async function clickRobustly(locator: Locator, timeoutMs: number): Promise<void> {
  try {
    await locator.click({ timeout: Math.min(timeoutMs, 3000) });
  } catch {
    await locator.evaluate((el) => (el as HTMLElement).click(), undefined, { timeout: timeoutMs });
  }
}

/** Toolbars auto-hide after a few seconds without pointer movement; a move brings them back. */
export async function wakeToolbar(ctx: AdapterContext): Promise<void> {
  const size = ctx.page.viewportSize() ?? { width: 1280, height: 720 };
  await withTimeout(
    (async () => {
      await ctx.page.mouse.move(size.width / 2, size.height / 2);
      await ctx.page.mouse.move(size.width / 2 + 40, size.height / 2 + 30, { steps: 2 });
    })(),
    ctx.stepTimeoutMs,
    'move the pointer',
  );
}

/**
 * How often a join step re-reads a screen it waits for. Each read is a CDP round trip of a few ms, and every
 * wait costs half the interval on average: 250-300 ms intervals added ~0.3 s to a Meet join (BENCHMARKS.md).
 */
export const JOIN_POLL_MS = 100;

/** The frame a web client lives in: the first of `iframes` present in the page, else the page itself. */
export async function clientFrame(ctx: AdapterContext, iframes: readonly string[]): Promise<Frame> {
  for (const css of iframes) {
    const handle = await ctx.page.$(css).catch(() => null);
    const frame = await handle?.contentFrame().catch(() => null);
    if (frame) return frame;
  }
  return ctx.page.mainFrame();
}

/** Waits until a chat composer is empty again: the send confirmation every platform shares. */
export async function waitForClearedComposer(input: Locator, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const left = await input
      .evaluate((el) => ('value' in el ? (el as HTMLTextAreaElement).value : el.textContent ?? ''))
      .catch(() => '');
    if (left.trim() === '') return true;
    await sleep(100);
  }
  return false;
}

/**
 * Returns the chat composer, opening the chat panel first when it is closed. Toolbars auto-hide, so the
 * pointer is moved and the open control is clicked even when only attached.
 */
export async function openChatPanel(ctx: AdapterContext, scope: LocatorScope, openers: readonly string[], inputs: readonly string[]): Promise<Found> {
  const existing = await findFirst(scope, inputs, { timeoutMs: 0 });
  if (existing) return existing;
  await wakeToolbar(ctx).catch(() => undefined);
  const open = await requireFirst(scope, 'open the chat panel', openers, { timeoutMs: ctx.stepTimeoutMs, state: 'attached', signal: ctx.signal });
  await open.locator.click({ timeout: ctx.stepTimeoutMs, force: true });
  return requireFirst(scope, 'find the chat input', inputs, { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal });
}
