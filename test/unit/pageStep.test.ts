import { describe, expect, it } from 'vitest';
import { JoinStepError, type AdapterContext } from '../../src/platform/adapter.js';
import { pageStep } from '../../src/platform/page.js';
import type { Logger } from '../../src/util/log.js';

// Each adapter step is logged and, when it fails, names itself: a timeout is join_step_timeout, never bot_errored.

function context(lines: Record<string, unknown>[], signal = new AbortController().signal): AdapterContext {
  const log: Logger = {
    debug: (msg, fields) => void lines.push({ msg, ...fields }),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => log,
  };
  return { log, signal } as unknown as AdapterContext;
}

describe('pageStep', () => {
  it('logs the step and how long it took', async () => {
    const lines: Record<string, unknown>[] = [];
    expect(await pageStep(context(lines), 'type the name', async () => 42)).toBe(42);
    expect(lines).toEqual([{ msg: 'step', step: 'type the name' }, { msg: 'step done', step: 'type the name', ms: expect.any(Number) }]);
  });

  it('turns a Playwright timeout into join_step_timeout naming the step, and anything else into ui_element_not_found', async () => {
    const timeout = Object.assign(new Error('locator.click: Timeout 3000ms exceeded.\\n  waiting for ...'), { name: 'TimeoutError' });
    const err = await pageStep(context([]), 'click Join', () => Promise.reject(timeout)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JoinStepError);
    expect(err).toMatchObject({ step: 'click Join', sub_code: 'join_step_timeout' });
    const detached = await pageStep(context([]), 'open the chat panel', () => Promise.reject(new Error('Frame was detached'))).catch((e: unknown) => e);
    expect(detached).toMatchObject({ step: 'open the chat panel', sub_code: 'ui_element_not_found' });
  });

  it('keeps a JoinStepError as it is, and a failure of a step the session abandoned as it is', async () => {
    const own = new JoinStepError('enter the passcode', ['#input-for-pwd'], 'meeting_password_incorrect');
    expect(await pageStep(context([]), 'enter the passcode', () => Promise.reject(own)).catch((e: unknown) => e)).toBe(own);
    const abort = new AbortController();
    abort.abort();
    const late = new Error('Target page, context or browser has been closed');
    expect(await pageStep(context([], abort.signal), 'click Join', () => Promise.reject(late)).catch((e: unknown) => e)).toBe(late);
  });
});
