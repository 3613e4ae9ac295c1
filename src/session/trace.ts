import type { BrowserContext } from 'playwright-core';
import { withTimeout } from '../util/async.js';
import type { Logger } from '../util/log.js';

/**
 * `--trace`: a Playwright trace of the bot's page (screenshots, DOM snapshots, network, console) for
 * `npx playwright show-trace`. For local debugging only: it holds whatever the page held, the passcode in
 * the join link included, and is not redacted.
 */
export async function startTrace(context: BrowserContext, log: Logger): Promise<void> {
  await withTimeout(context.tracing.start({ screenshots: true, snapshots: true }), 10_000, 'start the trace').catch((err: unknown) =>
    log.warn('could not start the trace', { error: String(err) }),
  );
}

export async function saveTrace(context: BrowserContext, file: string, log: Logger): Promise<void> {
  await withTimeout(context.tracing.stop({ path: file }), 15_000, 'save the trace').then(
    () => log.info('trace saved', { file }),
    (err: unknown) => log.warn('could not save the trace', { error: String(err) }),
  );
}
