import type { RecordingLayout } from '../../src/config/botSpec.js';
import type { AdapterContext } from '../../src/platform/adapter.js';
import { findFirst, requireFirst, wakeToolbar } from '../../src/platform/page.js';
import { withTimeout } from '../../src/util/async.js';
import * as S from './selectors.js';

const MENU_MS = 3000;

/**
 * Sets Teams' own view to the recording's layout: Gallery for gallery_view, Speaker for the speaker views (Teams
 * then sends the speaker large and the others small). Best effort: a client without a View menu (the light one,
 * LMA) keeps its view, and a failure closes the menu again; the recording is laid out from the tiles either way.
 */
export async function applyTeamsLayout(ctx: AdapterContext, layout: RecordingLayout): Promise<void> {
  const options = layout === 'gallery_view' ? S.VIEW_GALLERY : S.VIEW_SPEAKER;
  try {
    await wakeToolbar(ctx).catch(() => undefined);
    const view = await findFirst(ctx.page, S.VIEW_MENU, { timeoutMs: 0, state: 'attached' });
    if (!view) return void ctx.log.info('no View menu in this Teams client: its view stays as it is');
    await view.locator.click({ timeout: ctx.stepTimeoutMs, force: true });
    // The menu opens at the click; a page that moves on meanwhile (the light client's hop) has none to wait for.
    const option = await requireFirst(ctx.page, 'choose the Teams view', options, { timeoutMs: MENU_MS, signal: ctx.signal });
    await option.locator.click({ timeout: MENU_MS });
    ctx.log.info('Teams view set', { selector: option.selector });
  } catch (err) {
    ctx.log.warn('could not set Teams\' view; the recording is laid out from the tiles shown', { error: String(err) });
    await withTimeout(ctx.page.keyboard.press('Escape'), ctx.stepTimeoutMs, 'press Escape').catch(() => undefined);
  }
}
