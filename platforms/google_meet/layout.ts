import type { RecordingLayout } from '../../src/config/botSpec.js';
import type { AdapterContext } from '../../src/platform/adapter.js';
import { requireFirst } from '../../src/platform/page.js';
import { withTimeout } from '../../src/util/async.js';
import { closeMeetDialog, openMoreOptionsItem } from './dialogs.js';
import * as S from './selectors.js';

/**
 * Sets Meet's own layout to the recording's (1.9): Sidebar for speaker view, Spotlight for the speaker alone,
 * Tiled for gallery (Attendee's mapping). Meet sends each tile at the size it is shown, so the active speaker
 * comes large and sharp, and Spotlight receives one video instead of a strip. Best effort like receiveAudioOnly:
 * a failure is logged, the dialog closed, and the runtime lays the picture out from whatever tiles there are.
 */
export async function applyMeetLayout(ctx: AdapterContext, layout: RecordingLayout): Promise<void> {
  const label = S.LAYOUT_OPTION_LABEL[layout];
  try {
    await withTimeout(chooseLayout(ctx, label), ctx.stepTimeoutMs * 2, `choose the ${label} layout`);
    ctx.log.info('Meet layout set', { layout: label });
  } catch (err) {
    ctx.log.warn('could not set Meet\'s layout; the recording is laid out from the tiles shown', { layout: label, error: String(err) });
    await closeMeetDialog(ctx).catch(() => undefined);
  }
}

async function chooseLayout(ctx: AdapterContext, label: string): Promise<void> {
  const wait = { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal };
  const click = { timeout: ctx.stepTimeoutMs };
  await openMoreOptionsItem(ctx, 'open Change layout', S.CHANGE_LAYOUT_MENU_ITEM);
  await (await requireFirst(ctx.page, `choose ${label}`, S.layoutOption(label), wait)).locator.click(click);
  await closeMeetDialog(ctx);
}
