import type { Locator } from 'playwright-core';
import type { AdapterContext } from '../../src/platform/adapter.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { clickFirst, findFirst, JOIN_POLL_MS, pageStep, requireFirst } from '../../src/platform/page.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { probeZoom, zoomFrame, type ZoomProbeMemory } from './probe.js';
import { joinWithTokens } from './sdkJoin.js';
import * as S from './selectors.js';

const PREJOIN_FORM_TIMEOUT_MS = 60_000;
/** The first clicks after the client frame loads are sometimes ignored (meetingbot waits 6 s); retry instead. */
const JOIN_ATTEMPTS = 3;
/** A click on Join that cannot land within this (something lies over it) goes by the keyboard instead. */
const JOIN_CLICK_MS = 3000;
/** How long Join may take to enable after the name was inserted before it is typed again with key events. */
const JOIN_ENABLE_MS = 1500;

/**
 * Joins with the body's Zoom tokens through the Meeting SDK (sdkJoin.ts); without tokens, opens the meeting in the
 * web client and passes every pre-join screen up to the join click.
 */
export async function joinZoom(ctx: AdapterContext, seen: ZoomProbeMemory): Promise<void> {
  if (ctx.zoom && (await joinWithTokens(ctx, ctx.zoom, seen))) return;
  await pageStep(ctx, 'open the Zoom web client', () => openClient(ctx));
  await pageStep(ctx, 'wait for the host to start the meeting', () => waitWhileUnstarted(ctx));
  if (!(await pageStep(ctx, 'reach the pre-join form', () => waitForPreJoinForm(ctx)))) return;
  await pageStep(ctx, 'type the name', () => typeName(ctx));
  await pageStep(ctx, 'enter the passcode', () => fillPasscodeIfAsked(ctx));
  await pageStep(ctx, 'turn the microphone and camera off', () => previewDevicesOff(ctx));
  await ctx.untilJoinTime();
  await pageStep(ctx, 'click Join', () => clickJoin(ctx));
}

async function openClient(ctx: AdapterContext): Promise<void> {
  await withTimeout(
    ctx.page.goto(ctx.meeting.join_url, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }),
    ctx.stepTimeoutMs + 1000,
    'open the Zoom web client',
  );
}

/**
 * Zoom answers a meeting whose host has not started with "This meeting link is invalid (3,001)" and does not
 * update that page: it is loaded again every `zoomUnstartedReloadMs` (15 s by default, as Vexa) until the form
 * shows. The wait is reported to the session, whose wait-for-host rule ends it (and reports `meeting_link_invalid`
 * for a link that stays so).
 */
async function waitWhileUnstarted(ctx: AdapterContext): Promise<void> {
  let loadedAt = Date.now();
  while (!ctx.signal.aborted) {
    const state = (await probeZoom(ctx)).state;
    if (state.phase !== 'waiting_for_host' || !state.unstartedMeans) return;
    ctx.onScreen(state);
    if (Date.now() - loadedAt >= ctx.zoomUnstartedReloadMs) {
      ctx.log.debug('Zoom says the link is invalid: loading it again in case the host has started');
      await openClient(ctx);
      loadedAt = Date.now();
    } else await sleep(1000);
  }
}

/**
 * Passes a personal link's landing page ("Join from your browser"), cookie, terms and permission screens until
 * the name input shows; false if the page is already past it (a lobby, an end, a gate the probe reports).
 */
async function waitForPreJoinForm(ctx: AdapterContext): Promise<boolean> {
  const deadline = Date.now() + PREJOIN_FORM_TIMEOUT_MS;
  let lastPhase = '';
  while (!ctx.signal.aborted && Date.now() < deadline) {
    const phase = (await probeZoom(ctx)).state.phase;
    if (phase !== lastPhase) ctx.log.debug('screen', { phase });
    lastPhase = phase;
    if (phase !== 'pre_join' && phase !== 'unknown') return false;
    if (await clickFirst(ctx.page, S.JOIN_FROM_BROWSER, { timeoutMs: 0, log: ctx.log, what: 'join from the browser' }).catch(() => null)) {
      await ctx.page.waitForURL(/\/wc\//, { timeout: ctx.stepTimeoutMs }).catch(() => undefined);
      continue;
    }
    const frame = await zoomFrame(ctx);
    let dismissed = false;
    for (const group of [S.COOKIE_BUTTONS, S.TERMS_AGREE, S.PERMISSION_BUTTONS]) {
      if (await clickFirst(frame, group, { timeoutMs: 0, log: ctx.log, what: 'a pre-join dialog' }).catch(() => null)) dismissed = true;
    }
    // The permission dialog comes back a second time (2.2 state 4) over a form that is already visible
    // beneath it: the form is ready only after a round with nothing left to dismiss.
    if (!dismissed && (await findFirst(frame, S.NAME_INPUT, { timeoutMs: 0 }))) return true;
    await sleep(JOIN_POLL_MS);
  }
  if (ctx.signal.aborted) return false;
  throw new JoinStepError('find the name input', S.NAME_INPUT, 'ui_element_not_found', `no pre-join form within ${PREJOIN_FORM_TIMEOUT_MS} ms`);
}

/**
 * Inserts the name, and types it again with real key events when Join stays disabled: Zoom's React form can
 * ignore text that did not come from keys (Vexa, 2026-04-26: Join stayed disabled, the click then timed out).
 */
async function typeName(ctx: AdapterContext): Promise<void> {
  const frame = await zoomFrame(ctx);
  const name = await requireFirst(frame, 'find the name input', S.NAME_INPUT, { timeoutMs: ctx.stepTimeoutMs, log: ctx.log });
  await ctx.input.fill(name.locator, ctx.botName);
  if (await enabledJoin(ctx, JOIN_ENABLE_MS)) return;
  ctx.log.debug('Join stayed disabled after the inserted name: typing it with key events');
  await name.locator.click({ timeout: ctx.stepTimeoutMs });
  await ctx.page.keyboard.press('Control+A');
  await ctx.page.keyboard.press('Backspace');
  await ctx.page.keyboard.type(ctx.botName);
}

const ENABLED_JOIN = S.JOIN_BUTTON.map((s) => `${s}:not([disabled]):not(.disabled):not([aria-disabled="true"])`);

async function enabledJoin(ctx: AdapterContext, timeoutMs: number) {
  return findFirst(await zoomFrame(ctx), ENABLED_JOIN, { timeoutMs, pollMs: JOIN_POLL_MS, signal: ctx.signal });
}

async function fillPasscodeIfAsked(ctx: AdapterContext): Promise<void> {
  const frame = await zoomFrame(ctx);
  const field = await findFirst(frame, S.PASSCODE_INPUT, { timeoutMs: 0 });
  if (!field) return;
  if (!ctx.meeting.password) {
    throw new JoinStepError('enter the passcode', S.PASSCODE_INPUT, 'meeting_password_incorrect', 'the meeting asks for a passcode and the link has none');
  }
  await ctx.input.fill(field.locator, ctx.meeting.password);
}

/** The preview toggles name the action they perform: "Mute" means the mic is live. */
async function previewDevicesOff(ctx: AdapterContext): Promise<void> {
  const frame = await zoomFrame(ctx);
  await clickFirst(frame, S.PREVIEW_MIC_LIVE, { timeoutMs: 0, log: ctx.log, what: 'the live preview microphone' }).catch(() => null);
  await clickFirst(frame, S.PREVIEW_CAMERA_LIVE, { timeoutMs: 0, log: ctx.log, what: 'the live preview camera' }).catch(() => null);
}

/** Waits for Join to become enabled (it is disabled until a name is typed), presses it, confirms the form left. */
async function clickJoin(ctx: AdapterContext): Promise<void> {
  for (let attempt = 1; attempt <= JOIN_ATTEMPTS && !ctx.signal.aborted; attempt++) {
    const join = await enabledJoin(ctx, ctx.stepTimeoutMs);
    if (!join) throw new JoinStepError('click Join', ENABLED_JOIN, 'ui_element_not_found', `Join did not enable within ${ctx.stepTimeoutMs} ms`);
    ctx.log.debug('pressing Join', { attempt, how: await pressJoin(ctx, join.locator) });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if ((await probeZoom(ctx)).state.phase !== 'pre_join') return;
      await sleep(JOIN_POLL_MS);
    }
    // Some flows ask for the passcode only after Join.
    await fillPasscodeIfAsked(ctx);
  }
  if (!ctx.signal.aborted) throw new JoinStepError('click Join', S.JOIN_BUTTON, 'ui_element_not_found', `still on the pre-join form after ${JOIN_ATTEMPTS} presses`);
}

/**
 * A real click first. Zoom's `.preview-meeting-info` can lie over Join and take its pointer events (Vexa,
 * 2026-04): the click then waits for an element that never becomes hittable, and a forced click at Join's
 * position lands on the overlay. Focus and Enter reach the button through the keyboard (trusted input); the
 * button's own click() (Vexa's default) is the last resort.
 */
async function pressJoin(ctx: AdapterContext, join: Locator): Promise<string> {
  try {
    await ctx.input.click(join, { timeoutMs: JOIN_CLICK_MS });
    return `${ctx.input.mode} click`;
  } catch (err) {
    ctx.log.debug('Join click did not land', { error: String(err).split('\n')[0] });
  }
  try {
    await join.focus({ timeout: JOIN_CLICK_MS });
    await ctx.page.keyboard.press('Enter');
    return 'focus+Enter';
  } catch (err) {
    ctx.log.debug('Join could not be pressed by the keyboard', { error: String(err).split('\n')[0] });
  }
  await join.evaluate((el) => (el as HTMLElement).click());
  return 'element.click()';
}
