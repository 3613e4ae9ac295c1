import type { Locator } from 'playwright-core';
import type { AdapterContext, PlatformAdapter } from '../../src/platform/adapter.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { clickFirst, clickRobustly, findFirst, openChatPanel, pageStep, requireFirst, JOIN_POLL_MS, waitForClearedComposer, wakeToolbar } from '../../src/platform/page.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { probeWebex, webexFrame } from './probe.js';
import * as S from './selectors.js';

/** Webex documents no chat limit; Recall's general 4096 keeps messages readable. */
const WEBEX_CHAT_LIMIT = 4096;
/** LMA: up to 4 rounds of click + Escape on the native "Open Webex?" dialog. */
const CHOOSER_ROUNDS = 4;
/** How long after the app launch attempt the "Problem joining from browser?" popup may take to show. */
const PROBLEM_DIALOG_WAIT_MS = 1500;
/** How long to keep closing that popup while Chromium's own dialog may still take the clicks. */
const PROBLEM_DIALOG_CLOSE_MS = 2000;
/** A chooser click that cannot land (a popup over it) gives up soon, so the next round can clear the way. */
const CHOOSER_CLICK_TIMEOUT_MS = 3000;
const CLIENT_TIMEOUT_MS = 30_000;
/** If Webex falls back to the form after Join, click again at most 3 times, at least 3 s apart. */
const JOIN_ATTEMPTS = 3;
const JOIN_RETRY_GAP_MS = 3000;
/** Anchors type a placeholder address; a real corporate domain can redirect to SSO. */
const GUEST_EMAIL = 'notetaker@example.com';

/** Webex needs nothing remembered between calls: its page says everything the probe needs. */
export function createWebexAdapter(): PlatformAdapter {
  return {
    platform: 'webex',
    chatLimit: WEBEX_CHAT_LIMIT,
    // The chooser's "Join from this browser" also fires webex:// (platforms.md 3.2).
    externalProtocols: ['webex'],
    // No peer reports Webex refusing CDP input (LMA even falls back to DOM clicks).
    joinInput: 'cdp',
    tiles: S.TILES,
    callFrame: webexFrame,

    async join(ctx) {
      await pageStep(ctx, 'open the Webex link', () =>
        withTimeout(ctx.page.goto(ctx.meeting.join_url, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }), ctx.stepTimeoutMs + 1000, 'open the Webex link'),
      );
      await pageStep(ctx, 'pass the app chooser', () => passChooser(ctx));
      if (!(await pageStep(ctx, 'find the Webex client', () => waitForClient(ctx)))) return;
      await pageStep(ctx, 'enter the meeting password', () => passPasswordPage(ctx));
      await pageStep(ctx, 'fill the pre-join form', () => fillPreJoinForm(ctx));
      await ctx.untilJoinTime();
      await pageStep(ctx, 'click Join meeting', () => clickJoin(ctx));
    },

    probe: probeWebex,

    async maintain(ctx) {
      await dismissDialogs(ctx);
    },

    async afterAdmitted(ctx) {
      await dismissDialogs(ctx);
      await openChat(ctx).catch((err: unknown) => ctx.log.warn('could not open the chat panel', { error: String(err) }));
    },

    async sendChat(ctx, message) {
      const input = await openChat(ctx);
      await input.locator.click({ timeout: ctx.stepTimeoutMs });
      await ctx.page.keyboard.insertText(message);
      await ctx.page.keyboard.press('Enter');
      if (!(await waitForClearedComposer(input.locator, ctx.stepTimeoutMs))) {
        throw new JoinStepError('send the chat message', S.CHAT_INPUT, 'bot_errored', 'the composer was not cleared');
      }
    },

    async leave(ctx) {
      await wakeToolbar(ctx).catch(() => undefined);
      const frame = await webexFrame(ctx);
      const leave = await requireFirst(frame, 'leave the meeting', S.LEAVE, { timeoutMs: ctx.stepTimeoutMs, state: 'attached' });
      await leave.locator.click({ timeout: ctx.stepTimeoutMs, force: true });
      // Only hosts get a confirm dialog; a guest has left already.
      await clickFirst(frame, S.LEAVE_CONFIRM, { timeoutMs: 1500 }).catch(() => null);
    },
  };
}

/**
 * "Join from this browser". Its first click also fires a webex:// link, and Chromium answers with a native
 * "Open Webex?" dialog that no page input can reach (it swallows every click until it is gone): Escape at the OS
 * level closes it, then click again. Under load the dialog can open after the Escape; the next round's Escape and
 * a chooser click that gives up early (instead of waiting out the step timeout) recover from that.
 */
async function passChooser(ctx: AdapterContext): Promise<void> {
  for (let round = 0; round < CHOOSER_ROUNDS && !ctx.signal.aborted; round++) {
    if (round > 0) await ctx.osKey('Escape');
    await closeProblemDialog(ctx, 0);
    if (await clientVisible(ctx)) return;
    const chooser = await findFirst(ctx.page, S.CHOOSER_JOIN_BROWSER, { timeoutMs: round === 0 ? 5000 : 1000 });
    if (!chooser) return; // no chooser: the link led straight to the client
    await chooser.locator
      .click({ timeout: Math.min(ctx.stepTimeoutMs, CHOOSER_CLICK_TIMEOUT_MS) })
      .catch((err: unknown) => ctx.log.debug('chooser click did not land', { round, error: String(err).split('\n')[0] }));
    await sleep(1000);
    await ctx.osKey('Escape');
    await closeProblemDialog(ctx, PROBLEM_DIALOG_WAIT_MS);
  }
  if (!ctx.signal.aborted && !(await clientVisible(ctx))) await openPreloadedClient(ctx);
}

/**
 * The chooser did not let the bot through, but the client already waits, hidden, in the launch page: its src with
 * `preload=false`, opened as the page itself, starts it directly (the Webex guest provider's fallback).
 */
async function openPreloadedClient(ctx: AdapterContext): Promise<void> {
  const src = await ctx.page.locator(S.PRELOADED_CLIENT).first().getAttribute('src', { timeout: 1000 }).catch(() => null);
  if (!src) return;
  const url = new URL(src, ctx.page.url());
  url.searchParams.delete('preload');
  url.searchParams.set('preload', 'false');
  ctx.log.info('the chooser did not open the client: opening the preloaded client directly');
  await withTimeout(ctx.page.goto(url.toString(), { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }), ctx.stepTimeoutMs + 1000, 'open the Webex client');
}

/**
 * Closes "Problem joining from browser?" (platforms.md 3.2 state 2), waiting up to `appearMs` for it to show. It
 * covers the chooser and takes its clicks; a close click sent while Chromium's own dialog is still up is lost,
 * so the close is repeated until the popup is gone (for a bounded time).
 */
async function closeProblemDialog(ctx: AdapterContext, appearMs: number): Promise<void> {
  const appearBy = Date.now() + appearMs;
  let closeBy: number | null = null;
  while (!ctx.signal.aborted) {
    const open = await findFirst(ctx.page, S.PROBLEM_DIALOG_CLOSE, { timeoutMs: 0 });
    if (open) {
      closeBy ??= Date.now() + PROBLEM_DIALOG_CLOSE_MS;
      if (Date.now() >= closeBy) return;
      await open.locator.click({ timeout: 1000 }).catch(() => undefined);
    } else if (closeBy !== null || Date.now() >= appearBy || !(await findFirst(ctx.page, S.CHOOSER_JOIN_BROWSER, { timeoutMs: 0 }))) {
      return; // closed, never came, or the chooser is gone (the client is opening)
    }
    await sleep(JOIN_POLL_MS);
  }
}

async function clientVisible(ctx: AdapterContext): Promise<boolean> {
  // The client iframe can already sit, hidden, behind a chooser that is still up (its src is what the guest
  // provider rewrites to preload=false, platforms.md 3.1): an iframe alone does not mean the chooser is passed.
  if (await findFirst(ctx.page, S.CHOOSER_JOIN_BROWSER, { timeoutMs: 0 })) return false;
  for (const css of S.CLIENT_IFRAMES) if ((await ctx.page.locator(css).count().catch(() => 0)) > 0) return true;
  const phase = (await probeWebex(ctx).catch(() => null))?.state.phase;
  return phase !== undefined && phase !== 'unknown' && !(await ctx.page.locator(S.CHOOSER_JOIN_BROWSER.join(',')).count().catch(() => 0));
}

/** Races the three client containers; false when the page is already past the form (lobby, error, ...). */
async function waitForClient(ctx: AdapterContext): Promise<boolean> {
  const deadline = Date.now() + CLIENT_TIMEOUT_MS;
  while (!ctx.signal.aborted && Date.now() < deadline) {
    const snap = await probeWebex(ctx).catch(() => null);
    const frame = await webexFrame(ctx);
    if (snap && ['waiting_room', 'waiting_for_host', 'in_call', 'ended'].includes(snap.state.phase)) return false;
    if (await findFirst(frame, [...S.NAME_INPUT, ...S.PASSWORD_INPUT], { timeoutMs: 0 })) return true;
    await clickFirst(ctx.page, S.PROBLEM_DIALOG_CLOSE, { timeoutMs: 0 }).catch(() => null);
    await sleep(JOIN_POLL_MS);
  }
  if (ctx.signal.aborted) return false;
  throw new JoinStepError('find the Webex client', [...S.CLIENT_IFRAMES, ...S.NAME_INPUT, ...S.PASSWORD_INPUT], 'webex_join_meeting_error', `no client within ${CLIENT_TIMEOUT_MS} ms`);
}

async function passPasswordPage(ctx: AdapterContext): Promise<void> {
  const frame = await webexFrame(ctx);
  const field = await findFirst(frame, S.PASSWORD_INPUT, { timeoutMs: 0 });
  if (!field) return;
  if (await findFirst(frame, S.CAPTCHA, { timeoutMs: 0 })) {
    throw new JoinStepError('enter the meeting password', S.CAPTCHA, 'webex_join_meeting_error', 'the password page shows a captcha');
  }
  if (!ctx.meeting.password) {
    throw new JoinStepError('enter the meeting password', S.PASSWORD_INPUT, 'meeting_password_incorrect', 'the meeting asks for a password and none was given');
  }
  await ctx.input.fill(field.locator, ctx.meeting.password);
  await requireFirst(frame, 'submit the meeting password', S.PASSWORD_NEXT, { timeoutMs: ctx.stepTimeoutMs }).then((f) =>
    f.locator.click({ timeout: ctx.stepTimeoutMs }),
  );
  // Webex answers on the same page: the form, or an error under the field (the probe's wrong_password).
  const deadline = Date.now() + ctx.stepTimeoutMs;
  while (!ctx.signal.aborted && Date.now() < deadline) {
    if (await findFirst(frame, S.NAME_INPUT, { timeoutMs: 0 })) return;
    const state = (await probeWebex(ctx).catch(() => null))?.state;
    if (state?.phase === 'ended' && state.outcome.sub_code === 'meeting_password_incorrect') {
      throw new JoinStepError('enter the meeting password', S.PASSWORD_INPUT, 'meeting_password_incorrect', 'Webex did not accept the password');
    }
    await sleep(JOIN_POLL_MS);
  }
  if (!ctx.signal.aborted) await requireFirst(frame, 'find the name input', S.NAME_INPUT, { timeoutMs: 0 });
}

async function fillPreJoinForm(ctx: AdapterContext): Promise<void> {
  await dismissDialogs(ctx);
  const frame = await webexFrame(ctx);
  // The name field keeps the previous session's value: fill clears it with trusted keys.
  const name = await requireFirst(frame, 'find the name input', S.NAME_INPUT, { timeoutMs: ctx.stepTimeoutMs });
  await ctx.input.fill(name.locator, ctx.botName);
  const email = await findFirst(frame, S.EMAIL_INPUT, { timeoutMs: 0 });
  if (email) await ctx.input.fill(email.locator, GUEST_EMAIL);
  if (await clickFirst(frame, S.GUEST_NEXT, { timeoutMs: 0 }).catch(() => null)) await passPasswordPage(ctx);
  await switchOffIfLive(ctx, S.MIC_BUTTONS, S.MIC_LIVE_LABELS);
  await switchOffIfLive(ctx, S.CAMERA_BUTTONS, S.CAMERA_LIVE_LABELS);
}

/** Clicks a media button only while its label says the device is live; a disabled "Start video" is left alone. */
async function switchOffIfLive(ctx: AdapterContext, buttons: readonly string[], liveLabels: readonly string[]): Promise<void> {
  const frame = await webexFrame(ctx);
  const found = await findFirst(frame, buttons, { timeoutMs: 0, log: ctx.log, what: 'a media button' });
  if (!found) return;
  const label = (await stateLabel(ctx, found.locator)).toLowerCase();
  ctx.log.debug('media button', { selector: found.selector, label });
  // Whole words only: "unmute" and "click to unmute" contain "mute" but say the microphone is off.
  if (liveLabels.some((l) => new RegExp(`(^|[^a-z])${l}($|[^a-z])`).test(label))) {
    await found.locator.click({ timeout: ctx.stepTimeoutMs });
  }
}

/** Where a Webex control keeps its state: the first of its state attributes that is set, else its text. */
async function stateLabel(ctx: AdapterContext, control: Locator): Promise<string> {
  for (const attr of S.STATE_ATTRIBUTES) {
    const value = await control.getAttribute(attr, { timeout: ctx.stepTimeoutMs }).catch(() => null);
    if (value) return value;
  }
  return (await control.innerText({ timeout: ctx.stepTimeoutMs }).catch(() => '')).trim();
}

async function clickJoin(ctx: AdapterContext): Promise<void> {
  const enabled = S.JOIN_BUTTON.map((s) => `${s}${S.ENABLED}`);
  for (let attempt = 1; attempt <= JOIN_ATTEMPTS && !ctx.signal.aborted; attempt++) {
    const frame = await webexFrame(ctx);
    const join = await requireFirst(frame, 'click Join meeting', enabled, { timeoutMs: ctx.stepTimeoutMs });
    await clickRobustly(join.locator, ctx.stepTimeoutMs);
    const deadline = Date.now() + JOIN_RETRY_GAP_MS;
    while (Date.now() < deadline) {
      if ((await probeWebex(ctx)).state.phase !== 'pre_join') return;
      await sleep(JOIN_POLL_MS);
    }
  }
  if (!ctx.signal.aborted) throw new JoinStepError('click Join meeting', S.JOIN_BUTTON, 'webex_join_meeting_error', `still on the form after ${JOIN_ATTEMPTS} clicks`);
}


async function dismissDialogs(ctx: AdapterContext): Promise<void> {
  const frame = await webexFrame(ctx);
  await clickFirst(frame, S.COOKIE_BUTTONS, { timeoutMs: 0 }).catch(() => null);
  const noCamera = frame.locator(`[role="dialog"]:has-text("${S.NO_CAMERA_DIALOG_TEXT}")`).first();
  if (await noCamera.isVisible().catch(() => false)) await clickFirst(noCamera, S.DIALOG_DISMISS, { timeoutMs: 0 }).catch(() => null);
}

async function openChat(ctx: AdapterContext) {
  return openChatPanel(ctx, await webexFrame(ctx), S.CHAT_OPEN, S.CHAT_INPUT);
}
