import type { AdapterContext } from '../../src/platform/adapter.js';
import { findFirst, requireFirst } from '../../src/platform/page.js';
import { withTimeout } from '../../src/util/async.js';
import { closeMeetDialog, openMoreOptionsItem } from './dialogs.js';
import * as S from './selectors.js';

/**
 * Asks Meet to send this client audio only (Settings → Video → "Receive resolution (maximum)" → "Audio only",
 * platforms.md 1.9). Disabling tracks in the page still leaves Chromium decoding every incoming stream; with
 * this setting Meet stops forwarding video, so nothing arrives to decode. It is an optimisation: any failure is
 * logged and the bot carries on, with whatever dialog it opened closed again so later clicks are not blocked.
 */
export async function receiveAudioOnly(ctx: AdapterContext): Promise<boolean> {
  try {
    await withTimeout(chooseAudioOnly(ctx), ctx.stepTimeoutMs * 2, 'choose "Audio only"');
    ctx.log.info('incoming video off: Meet sends this bot audio only');
    return true;
  } catch (err) {
    ctx.log.warn('could not switch Meet to receive audio only; incoming video stays on', { error: String(err) });
    await closeMeetDialog(ctx).catch(() => undefined);
    return false;
  }
}

async function chooseAudioOnly(ctx: AdapterContext): Promise<void> {
  const wait = { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal };
  const click = { timeout: ctx.stepTimeoutMs };
  await openMoreOptionsItem(ctx, 'open Settings', S.SETTINGS_MENU_ITEM);
  await (await requireFirst(ctx.page, 'open the Video tab', S.SETTINGS_VIDEO_TAB, wait)).locator.click(click);
  await (await requireFirst(ctx.page, 'open the receive resolution list', S.RECEIVE_RESOLUTION_DROPDOWN, wait)).locator.click(click);
  await (await requireFirst(ctx.page, 'choose "Audio only"', S.AUDIO_ONLY_OPTION, wait)).locator.click(click);
  const chosen = await findFirst(ctx.page, S.AUDIO_ONLY_CHOSEN, { ...wait, state: 'attached' });
  if (!chosen) throw new Error(`"Audio only" was clicked but not shown as chosen (${S.AUDIO_ONLY_CHOSEN.join(' | ')})`);
  await closeMeetDialog(ctx);
}
