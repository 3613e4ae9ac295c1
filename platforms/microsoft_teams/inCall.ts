import type { Locator } from 'playwright-core';
import type { AdapterContext } from '../../src/platform/adapter.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { clickFirst, clickRobustly, findFirst, waitForClearedComposer, wakeToolbar, type Found } from '../../src/platform/page.js';
import { sleep } from '../../src/util/async.js';
import { joinFromForm, look } from './join.js';
import { oneLine, type TeamsMemory } from './probe.js';
import * as S from './selectors.js';

/** The composer lazy-loads seconds after the join: MBaaS retries 5 × 2 s (#332), opening can take longer (#140). */
const CHAT_READY_MS = 15_000;
/** A panel that shows no chat list this long after its button was clicked is opened again. */
const CHAT_REOPEN_MS = 3000;
const POINTER_KEEPALIVE_MS = 4 * 60_000;
/** Attendee tries 10 × 1 s for the switch, opening "More options" when it is not shown. */
const INCOMING_VIDEO_MS = 5000;
/** Attendee re-clicks Join now on a lobby that reset to the pre-join at most every 5 s (PR #862). */
const REJOIN_GAP_MS = 5000;

/**
 * Housekeeping between looks: the AV modal (before and after admission, MBaaS), a lobby that fell back to the
 * pre-join with Join now usable again (Attendee), and toasts once in the call. Alerts are closed only by their
 * own Close: a generic close could shut the chat panel the probe reads.
 */
export async function maintainTeams(ctx: AdapterContext, memory: TeamsMemory): Promise<void> {
  if (await clickFirst(ctx.page, S.AV_MODAL_CONTINUE, { timeoutMs: 0 }).catch(() => null)) ctx.log.info('dismissed "Continue without audio or video"');
  if (memory.joinClicked && !memory.admitted && Date.now() - memory.lastJoinClickAt >= REJOIN_GAP_MS) {
    const snap = await look(ctx, memory);
    if (snap?.state.phase === 'pre_join' && (await findFirst(ctx.page, S.JOIN_BUTTON.map((s) => `${s}${S.ENABLED}`), { timeoutMs: 0 }))) {
      ctx.log.warn('the lobby fell back to the pre-join: joining again');
      memory.lastJoinClickAt = Date.now();
      await joinFromForm(ctx, memory);
    }
  }
  if (!memory.admitted) return;
  await clickFirst(ctx.page, S.CLOSE_BUTTONS, { timeoutMs: 0 }).catch(() => null);
  // Attendee moves the mouse every 4 minutes "to prevent Teams from going into a mode where it stops receiving
  // chat messages" (#731).
  if (Date.now() - memory.lastPointerMoveAt >= POINTER_KEEPALIVE_MS) {
    memory.lastPointerMoveAt = Date.now();
    await wakeToolbar(ctx).catch(() => undefined);
  }
}

/**
 * Once admitted: the v2 client can reset the pre-join mute on join (MBaaS re-mutes), so the in-call microphone
 * button is read and clicked only while it offers "Mute mic"; then the chat panel, so incoming messages are in
 * the DOM for the probe.
 */
export async function afterAdmittedTeams(ctx: AdapterContext, memory: TeamsMemory): Promise<void> {
  await maintainTeams(ctx, memory);
  await muteIfLive(ctx).catch((err: unknown) => ctx.log.warn('could not check the microphone', { error: String(err) }));
  if (ctx.needsIncomingVideo === false) {
    await turnOffIncomingVideo(ctx).catch((err: unknown) => ctx.log.warn('could not turn incoming video off', { error: String(err) }));
  }
  await openChat(ctx).catch((err: unknown) => ctx.log.warn('could not open the chat panel', { error: String(err) }));
}

async function muteIfLive(ctx: AdapterContext): Promise<void> {
  await wakeToolbar(ctx).catch(() => undefined);
  const mic = await findFirst(ctx.page, S.MIC_IN_CALL, { timeoutMs: 0, state: 'attached' });
  if (!mic) return void ctx.log.debug('no in-call microphone button');
  const label = `${(await mic.locator.getAttribute('aria-label').catch(() => null)) ?? ''} ${(await mic.locator.getAttribute('title').catch(() => null)) ?? ''}`;
  if (/\bunmute\b/i.test(label) || !/\bmute\b/i.test(label)) return;
  ctx.log.warn('the microphone is live in the call: muting it');
  await clickRobustly(mic.locator, ctx.stepTimeoutMs);
}

/**
 * A bot that records no video asks Teams to stop sending it any, which spares its browser decoding every tile
 * (Attendee). View, then "Turn off incoming video", else the menu's "More options" first; a client without a View
 * menu (the light one) keeps its video.
 */
async function turnOffIncomingVideo(ctx: AdapterContext): Promise<void> {
  const view = await findFirst(ctx.page, S.VIEW_MENU, { timeoutMs: 0, state: 'attached' });
  if (!view) return void ctx.log.info('no View menu in this Teams client: incoming video stays on');
  await view.locator.click({ timeout: ctx.stepTimeoutMs, force: true });
  const deadline = Date.now() + INCOMING_VIDEO_MS;
  let moreOpened = false;
  while (!ctx.signal.aborted && Date.now() < deadline) {
    const off = await findFirst(ctx.page, S.INCOMING_VIDEO_OFF, { timeoutMs: 0 });
    if (off) {
      await off.locator.click({ timeout: ctx.stepTimeoutMs });
      return void ctx.log.info('incoming video turned off (audio-only recording)', { selector: off.selector });
    }
    // Opened once: a second click on a submenu can close it again.
    if (!moreOpened) moreOpened = (await clickFirst(ctx.page, S.VIEW_MORE_OPTIONS, { timeoutMs: 0 }).catch(() => null)) !== null;
    await sleep(250);
  }
  await ctx.page.keyboard.press('Escape');
  ctx.log.warn('no "Turn off incoming video" in the View menu: incoming video stays on', { tried: S.INCOMING_VIDEO_OFF });
}

/**
 * The composer, opening the chat panel when needed and waiting for it to mount. A tenant that closes chat to
 * guests shows a placeholder instead (14.6 % of MBaaS's Teams bots): that is said, not waited out.
 */
async function openChat(ctx: AdapterContext): Promise<Found> {
  const deadline = Date.now() + CHAT_READY_MS;
  let openedAt = -Infinity;
  while (!ctx.signal.aborted && Date.now() < deadline) {
    const ready = await findFirst(ctx.page, [...S.CHAT_INPUT, ...S.CHAT_DISABLED], { timeoutMs: 0 });
    if (ready && S.CHAT_DISABLED.includes(ready.selector)) {
      throw new JoinStepError('open the chat panel', S.CHAT_DISABLED, 'bot_errored', 'chat is closed to guests in this meeting');
    }
    if (ready) return ready;
    // The same button closes the panel: clicked only while no chat list shows (it may still be mounting), and
    // again after a while without one (a page hop to the full client closes every panel).
    if (Date.now() - openedAt >= CHAT_REOPEN_MS && !(await findFirst(ctx.page, S.CHAT_PANEL, { timeoutMs: 0, state: 'attached' }))) {
      await wakeToolbar(ctx).catch(() => undefined);
      const opener = await findFirst(ctx.page, S.CHAT_OPEN, { timeoutMs: 0, state: 'attached' });
      if (opener) {
        await opener.locator.click({ timeout: ctx.stepTimeoutMs, force: true }).catch((err: unknown) => ctx.log.debug('chat button click failed', { error: String(err).split('\n')[0] }));
        openedAt = Date.now();
      }
    }
    await sleep(250);
  }
  throw new JoinStepError('find the chat composer', S.CHAT_INPUT, 'ui_element_not_found', `no composer within ${CHAT_READY_MS} ms`);
}

/**
 * Teams' composer is CKEditor 5: `execCommand('insertText')` changes what shows but not its model, so nothing is
 * sent (LMA). The text goes in as a paste (LMA), else as typed keys (Shift+Enter between lines: Enter sends); then
 * the send button, since the light composer "does not reliably submit on Enter" (LMA), and Enter once more if the
 * composer did not clear.
 */
export async function sendChatTeams(ctx: AdapterContext, memory: TeamsMemory, message: string): Promise<void> {
  const input = await openChat(ctx);
  await input.locator.click({ timeout: ctx.stepTimeoutMs });
  await clearComposer(ctx, input.locator);
  await pasteText(input.locator, message, ctx.stepTimeoutMs);
  if (!(await holds(input.locator, message))) {
    ctx.log.debug('the pasted text did not land in the composer: typing it');
    await clearComposer(ctx, input.locator);
    await typeLines(ctx, message);
  }
  if (!(await holds(input.locator, message))) throw new JoinStepError('send the chat message', S.CHAT_INPUT, 'bot_errored', 'the composer does not hold the message');
  memory.sent.add(oneLine(message));
  const sent = await clickFirst(ctx.page, S.CHAT_SEND.map((s) => `${s}:not([disabled])`), { timeoutMs: 500 }).catch(() => null);
  if (!sent) await ctx.page.keyboard.press('Enter');
  if (await waitForClearedComposer(input.locator, ctx.stepTimeoutMs / 2)) return;
  await input.locator.click({ timeout: ctx.stepTimeoutMs }).catch(() => undefined);
  await ctx.page.keyboard.press('Enter');
  if (await waitForClearedComposer(input.locator, ctx.stepTimeoutMs / 2)) return;
  throw new JoinStepError('send the chat message', [...S.CHAT_INPUT, ...S.CHAT_SEND], 'bot_errored', 'the composer was not cleared');
}

async function clearComposer(ctx: AdapterContext, input: Locator): Promise<void> {
  if ((await composerText(input)) === '') return;
  await input.focus({ timeout: ctx.stepTimeoutMs });
  await ctx.page.keyboard.press('Control+A');
  await ctx.page.keyboard.press('Backspace');
}

function pasteText(input: Locator, text: string, timeoutMs: number): Promise<void> {
  return input.evaluate(
    (el, value) => {
      const data = new DataTransfer();
      data.setData('text/plain', value);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    text,
    { timeout: timeoutMs },
  );
}

async function typeLines(ctx: AdapterContext, text: string): Promise<void> {
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (i > 0) await ctx.page.keyboard.press('Shift+Enter');
    await ctx.page.keyboard.type(line);
  }
}

function composerText(input: Locator): Promise<string> {
  return input.evaluate((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim()).catch(() => '');
}

async function holds(input: Locator, message: string): Promise<boolean> {
  return (await composerText(input)) === message.replace(/\s+/g, ' ').trim();
}

/**
 * Leaves by the hangup button (no confirm for guests, teams.md 5), or from the lobby by Cancel; Vexa then gives
 * Teams 3 s to process the leave, and Attendee waits a second before the browser closes or Teams keeps listing
 * the bot.
 */
export async function leaveTeams(ctx: AdapterContext, memory: TeamsMemory): Promise<void> {
  await wakeToolbar(ctx).catch(() => undefined);
  const button = (await findFirst(ctx.page, S.LEAVE, { timeoutMs: 0, state: 'attached' })) ?? (await findFirst(ctx.page, S.CANCEL_BUTTON, { timeoutMs: 0 }));
  if (!button) throw new JoinStepError('leave the meeting', [...S.LEAVE, ...S.CANCEL_BUTTON], 'ui_element_not_found', 'no Leave or Cancel control');
  await button.locator.click({ timeout: ctx.stepTimeoutMs, force: true });
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const phase = (await look(ctx, memory))?.state.phase;
    if (phase === 'ended') break;
    await sleep(250);
  }
  await sleep(1000);
}
