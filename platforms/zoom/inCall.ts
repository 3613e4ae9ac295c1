import type { AdapterContext } from '../../src/platform/adapter.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { clickFirst, findFirst, openChatPanel, requireFirst, waitForClearedComposer, wakeToolbar } from '../../src/platform/page.js';
import { sleep } from '../../src/util/async.js';
import { zoomFrame } from './probe.js';
import * as S from './selectors.js';

/** What the footer audio button says: audio not joined yet, joining, or joined with the mic live or muted. */
type AudioButton = 'join' | 'connecting' | 'mic_live' | 'mic_muted' | 'unknown';

const AUDIO_CONNECT_WAIT_MS = 10_000;
/** Every end and removal text the probe knows: a notice saying one of these is never dismissed. */
const END_TEXTS = [...S.PROBE.endedByHost, ...S.PROBE.endedOther, ...S.PROBE.removed].map((t) => t.toLowerCase());

export function readAudioButton(label: string): AudioButton {
  const l = label.toLowerCase().trim();
  if (l.includes('join audio') || l === 'audio') return 'join';
  if (l.includes('connecting')) return 'connecting';
  if (/\bunmute\b/.test(l)) return 'mic_muted';
  if (/\bmute\b/.test(l)) return 'mic_live';
  return 'unknown';
}

async function audioButton(ctx: AdapterContext): Promise<{ state: AudioButton; click: () => Promise<void> } | null> {
  const found = await findFirst(await zoomFrame(ctx), S.FOOTER_AUDIO, { timeoutMs: 0, state: 'attached' });
  if (!found) return null;
  const label = (await found.locator.getAttribute('aria-label', { timeout: ctx.stepTimeoutMs }).catch(() => null)) ?? (await found.locator.innerText({ timeout: ctx.stepTimeoutMs }).catch(() => ''));
  return { state: readAudioButton(label), click: () => found.locator.click({ timeout: ctx.stepTimeoutMs, force: true }) };
}

/**
 * Without computer audio no meeting audio reaches the bot. Current clients often join it by themselves after
 * admission (Vexa), and the footer audio button is then the microphone toggle: a blind click would unmute the
 * bot. So its label is read first: "Join Audio" opens the dialog and picks computer audio; a live microphone is
 * muted; a muted one is left alone. Never throws: the in-call steps after it (chat) must still run.
 */
export async function joinComputerAudio(ctx: AdapterContext): Promise<void> {
  const frame = await zoomFrame(ctx);
  await wakeToolbar(ctx).catch(() => undefined);
  const dialogChoice = await findFirst(frame, S.JOIN_AUDIO_BY_COMPUTER, { timeoutMs: 0, log: ctx.log, what: 'Join Audio by Computer' });
  if (dialogChoice) return void (await dialogChoice.locator.click({ timeout: ctx.stepTimeoutMs }));
  const deadline = Date.now() + AUDIO_CONNECT_WAIT_MS;
  for (;;) {
    const button = await audioButton(ctx);
    ctx.log.debug('footer audio button', { state: button?.state ?? 'absent' });
    if (!button) return void ctx.log.warn('no footer audio button: the meeting audio may be missing', { tried: S.FOOTER_AUDIO });
    if (button.state === 'mic_muted') return;
    if (button.state === 'mic_live') {
      ctx.log.warn('computer audio joined with the microphone live: muting it');
      return button.click();
    }
    if (button.state === 'join') {
      await button.click();
      const choice = await findFirst(frame, S.JOIN_AUDIO_BY_COMPUTER, { timeoutMs: ctx.stepTimeoutMs, log: ctx.log, what: 'Join Audio by Computer' });
      if (!choice) return void ctx.log.warn('Join Audio opened no computer-audio choice: the meeting audio may be missing');
      return choice.locator.click({ timeout: ctx.stepTimeoutMs });
    }
    if (Date.now() > deadline) return void ctx.log.warn('the footer audio button never settled', { state: button.state });
    await sleep(250);
  }
}

/**
 * Dismisses in-call notices (AI Companion, recording notices, tips) by their OK / Got it, each only after its
 * text was read and is no end: the end modal is a `.zm-modal` with OK too, and clicked away it takes with it the
 * only word of how the meeting ended (ScreenApp reads the end markers before any OK; meetingbot scoped its OK
 * to the end modal after clicking it away by mistake).
 */
export async function dismissNotices(ctx: AdapterContext): Promise<void> {
  const frame = await zoomFrame(ctx);
  for (const css of S.INCALL_NOTICES) {
    const notices = frame.locator(css);
    const count = await notices.count().catch(() => 0);
    for (let i = 0; i < count; i++) {
      const notice = notices.nth(i);
      const text = (await notice.innerText({ timeout: ctx.stepTimeoutMs }).catch(() => '')).toLowerCase();
      if (!text || END_TEXTS.some((t) => text.includes(t))) continue;
      if (await clickFirst(notice, S.NOTICE_BUTTONS, { timeoutMs: 0 }).catch(() => null)) ctx.log.debug('dismissed a notice', { text: text.slice(0, 80) });
    }
  }
}

export async function openChat(ctx: AdapterContext) {
  return openChatPanel(ctx, await zoomFrame(ctx), S.CHAT_OPEN, S.CHAT_INPUT);
}

export async function sendChat(ctx: AdapterContext, message: string): Promise<void> {
  const input = await openChat(ctx);
  await input.locator.click({ timeout: ctx.stepTimeoutMs });
  await ctx.page.keyboard.insertText(message);
  const sent = await clickFirst(await zoomFrame(ctx), S.CHAT_SEND, { timeoutMs: 500 }).catch(() => null);
  if (!sent) await ctx.page.keyboard.press('Enter');
  if (await waitForClearedComposer(input.locator, ctx.stepTimeoutMs)) return;
  throw new JoinStepError('send the chat message', [...S.CHAT_INPUT, ...S.CHAT_SEND], 'bot_errored', 'the composer was not cleared');
}

export async function leave(ctx: AdapterContext): Promise<void> {
  await wakeToolbar(ctx).catch(() => undefined);
  const frame = await zoomFrame(ctx);
  const button = await requireFirst(frame, 'leave the meeting', S.LEAVE, { timeoutMs: ctx.stepTimeoutMs, state: 'attached', log: ctx.log });
  await button.locator.click({ timeout: ctx.stepTimeoutMs, force: true });
  await requireFirst(frame, 'confirm leaving', S.LEAVE_CONFIRM, { timeoutMs: 4000, log: ctx.log }).then((f) => f.locator.click({ timeout: 4000 }));
}
