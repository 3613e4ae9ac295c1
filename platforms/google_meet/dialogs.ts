import type { AdapterContext } from '../../src/platform/adapter.js';
import { clickFirst, requireFirst, wakeToolbar } from '../../src/platform/page.js';
import { withTimeout } from '../../src/util/async.js';
import * as S from './selectors.js';

const CLOSE_ATTEMPTS = 3;
/** A dialog closes within a frame or two of its Close click; longer means the click went elsewhere. */
const CLOSE_WAIT_MS = 1000;

/** Closes an open dialog (and an open menu or list) by its Close button, else by Escape. */
export async function closeMeetDialog(ctx: AdapterContext): Promise<void> {
  const open = ctx.page.locator(`${S.OPEN_DIALOG}, [role="menu"]`);
  for (let attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
    if (!(await open.first().isVisible().catch(() => false))) return;
    const closed = await clickFirst(ctx.page, S.DIALOG_CLOSE, { timeoutMs: 0 }).catch(() => null);
    if (!closed) await withTimeout(ctx.page.keyboard.press('Escape'), ctx.stepTimeoutMs, 'press Escape');
    await open.first().waitFor({ state: 'hidden', timeout: CLOSE_WAIT_MS }).catch(() => undefined);
  }
  if (await open.first().isVisible().catch(() => false)) {
    throw new Error(`the dialog did not close (${S.DIALOG_CLOSE.join(' | ')}, Escape)`);
  }
}

/** More options, then one of its menu items ("Settings", "Change layout"). */
export async function openMoreOptionsItem(ctx: AdapterContext, step: string, item: readonly string[]): Promise<void> {
  const wait = { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal };
  // The toolbar auto-hides; its DOM stays, so More options is clicked even when only attached.
  await wakeToolbar(ctx).catch(() => undefined);
  const more = await requireFirst(ctx.page, 'open More options', S.MORE_OPTIONS, { ...wait, state: 'attached' });
  await more.locator.click({ timeout: ctx.stepTimeoutMs, force: true });
  await (await requireFirst(ctx.page, step, item, wait)).locator.click({ timeout: ctx.stepTimeoutMs });
}
