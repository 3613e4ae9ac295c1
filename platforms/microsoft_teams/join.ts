import type { Locator } from 'playwright-core';
import type { AdapterContext } from '../../src/platform/adapter.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { clickFirst, clickRobustly, findFirst, JOIN_POLL_MS, pageStep, requireFirst } from '../../src/platform/page.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { probeTeams, type TeamsMemory, type TeamsSnapshot } from './probe.js';
import * as S from './selectors.js';
import { followSignIn, loginView, mustReopenMeeting, signInStep, SignInWall } from './signIn.js';

/** Attendee and LMA wait 60 × 1 s for the name input; the redirect chain alone can take several seconds (LMA). */
const PREJOIN_TIMEOUT_MS = 60_000;
/** Vexa clicks the launcher's Continue up to 3 times while the pre-join does not show. */
const LAUNCHER_CLICK_GAP_MS = 2000;
/** After Join now: Vexa watches 6 × 1 s for the AV modal coming back over the pre-join (#467). */
const AFTER_JOIN_WATCH_MS = 6000;
const JOIN_ATTEMPTS = 3;
/** MBaaS types at 100 ms per key when a filled name does not stick. */
const SLOW_TYPING_DELAY_MS = 60;
const NAME_ATTEMPTS = 4;
/** How long the name field may stay covered (the hydration shroud, a modal) before the covering is dealt with. */
const NAME_CLICKABLE_MS = 3000;
/** A form that hydrates or reloads drops what was typed within a moment of the keys. */
const NAME_SETTLE_MS = 500;
/** A signed-in pre-join is trusted once it shows this many looks in a row (MBaaS #335: Join now and no name field). */
const SIGNED_IN_LOOKS = 2;
/** A sign-in bounce after Join now (Vexa #915) sends a bot that can sign in round the form again. */
const JOIN_ROUNDS = 3;
/** Meeting loads that may still show the guest form after signing in before the sign-in counts as failed (MBaaS). */
const GUEST_AFTER_SIGN_IN_RELOADS = 2;

type PreJoinForm = 'guest' | 'signed_in';

/** Opens the meeting and passes every screen up to and including the Join now click. */
export async function joinTeams(ctx: AdapterContext, memory: TeamsMemory): Promise<void> {
  const step = <T>(name: string, work: () => Promise<T>) => stepUnlessGated(ctx, memory, name, work);
  if ((await step('open the Teams link', () => openLink(ctx))) === false) return;
  for (let round = 1; round <= JOIN_ROUNDS && !ctx.signal.aborted; round++) {
    const form = await step('reach the pre-join screen', () => reachPreJoin(ctx, memory));
    if (form === false) return;
    const typed = form === 'guest' ? await step('type the name', () => typeName(ctx)) : null;
    if (typed === false) return;
    const devices = typed === SIGN_IN ? SIGN_IN : await step('turn the microphone and camera off', () => devicesOff(ctx));
    if (devices === false) return;
    if (devices !== SIGN_IN) {
      await ctx.untilJoinTime();
      const clicked = await step('click Join now', () => clickJoin(ctx, memory));
      if (clicked === false || (clicked !== SIGN_IN && !(await askedToSignIn(ctx, memory)))) return;
    }
    ctx.log.info('Teams asked the bot to sign in over the pre-join or after Join now: signing in, then joining again');
  }
}

/** A join step that Teams interrupted to ask a bot that can sign in to do so: the round starts again from the pre-join. */
const SIGN_IN = 'sign_in' as const;

/** Whether the bot has a credential and Teams has just sent it to sign in (the pre-join then comes round again). */
async function askedToSignIn(ctx: AdapterContext, memory: TeamsMemory): Promise<boolean> {
  if (!ctx.account?.credential) return false;
  if ((await loginView(ctx)) !== 'none') return true;
  return ((await look(ctx, memory))?.signInWall ?? null) !== null;
}

/**
 * A join step, false when the page is past the form or the step failed because Teams put a gate or an end over
 * it ("We need to verify your info" over the pre-join, MBaaS #157; a sign-in bounce mid-step, #164): the
 * session's probe then reports that screen with its sub_code instead of a step timeout. A sign-in wall stands,
 * except for a bot that can sign in (SIGN_IN): the modal can come a moment after the form, once Teams has asked
 * who the browser is, over a name being typed.
 */
async function stepUnlessGated<T>(ctx: AdapterContext, memory: TeamsMemory, name: string, work: () => Promise<T>): Promise<T | false | typeof SIGN_IN> {
  try {
    return await pageStep(ctx, name, work);
  } catch (err) {
    if (err instanceof SignInWall) throw err;
    const snap = await look(ctx, memory);
    if (snap?.signInWall && ctx.account?.credential) {
      ctx.log.info('Teams asked for a sign-in over the join step', { step: name });
      return SIGN_IN;
    }
    if (snap?.state.phase !== 'ended') throw err;
    ctx.log.info('a Teams gate or end screen stopped the join step', { step: name, screen: snap.state.text });
    return false;
  }
}

async function openLink(ctx: AdapterContext): Promise<void> {
  await withTimeout(
    ctx.page.goto(ctx.meeting.join_url, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }),
    ctx.stepTimeoutMs + 1000,
    'open the Teams link',
  );
}

/** A look at the page that survives the client's own navigations (the redirect chain, the light → full hop). */
export async function look(ctx: AdapterContext, memory: TeamsMemory): Promise<TeamsSnapshot | null> {
  return probeTeams(ctx, memory).catch((err: unknown) => {
    ctx.log.debug('could not read the Teams page (navigating?)', { error: String(err).split('\n')[0] });
    return null;
  });
}

/**
 * Waits out the redirect chain and passes the launcher ("Continue on this browser", in any of its forms) and the
 * "Continue without audio or video" modal until the pre-join shows: the guest form (a name input) or the signed-in
 * one (Join now, no name field). A bot with a credential signs in on the way when Microsoft's sign-in shows, when a
 * Teams page asks for it, and with `always` when the guest form shows. False when the page is already past the
 * pre-join (a lobby, a gate, an end): the session's probe reports it.
 */
async function reachPreJoin(ctx: AdapterContext, memory: TeamsMemory): Promise<PreJoinForm | false> {
  const deadline = Date.now() + PREJOIN_TIMEOUT_MS;
  const canSignIn = (ctx.account?.credential ?? null) !== null;
  let launcherClickedAt = -Infinity;
  let lastScreen = '';
  let signedInLooks = 0;
  while (!ctx.signal.aborted && Date.now() < deadline) {
    const login = canSignIn ? await loginView(ctx) : 'none';
    if (login !== 'none') {
      await signInStep(ctx, memory.signIn, login);
      await sleep(JOIN_POLL_MS);
      continue;
    }
    if (mustReopenMeeting(ctx, memory.signIn)) await openLink(ctx);
    const snap = await look(ctx, memory);
    const screen = snap ? (snap.launcher ? 'launcher' : snap.avModal ? 'av_modal' : (snap.signInWall ?? snap.state.phase)) : 'navigating';
    if (screen !== lastScreen) ctx.log.debug('screen', { screen });
    lastScreen = screen;
    const form = !snap?.avModal && ['pre_join', 'unknown', undefined].includes(snap?.state.phase) ? await preJoinForm(ctx) : null;
    signedInLooks = form === 'signed_in' ? signedInLooks + 1 : 0;
    if (snap?.signInWall && canSignIn) {
      // On Microsoft's own page the forms are still loading; a Teams page saying so has a way there.
      if (snap.signInWall === 'text') await followSignIn(ctx, memory.signIn);
    } else if (snap && !['pre_join', 'unknown'].includes(snap.state.phase)) {
      return false;
    } else if (snap?.avModal) {
      await clickFirst(ctx.page, S.AV_MODAL_CONTINUE, { timeoutMs: 0, log: ctx.log, what: 'Continue without audio or video' }).catch(() => null);
    } else if (form === 'guest') {
      if (!(await signInInstead(ctx, memory))) return 'guest';
    } else if (form === 'signed_in') {
      if (signedInLooks >= SIGNED_IN_LOOKS) return signedIn(ctx, memory);
    } else if (Date.now() - launcherClickedAt >= LAUNCHER_CLICK_GAP_MS && (await clickFirst(ctx.page, S.LAUNCHER_CONTINUE, { timeoutMs: 0, log: ctx.log, what: 'the launcher’s browser choice' }).catch(() => null))) {
      // Whatever the probe made of the page: a launcher's choice in any of its forms is the way on.
      launcherClickedAt = Date.now();
    } else {
      await clickFirst(ctx.page, S.PERMISSION_OK, { timeoutMs: 0 }).catch(() => null);
    }
    await sleep(JOIN_POLL_MS);
  }
  if (ctx.signal.aborted) return false;
  throw new JoinStepError('reach the pre-join screen', [...S.LAUNCHER_CONTINUE, ...S.NAME_INPUT, ...S.JOIN_BUTTON], 'ui_element_not_found', `no pre-join (a name input or Join now) within ${PREJOIN_TIMEOUT_MS} ms`);
}

/** The guest form has a name input; the signed-in one only Join now. */
async function preJoinForm(ctx: AdapterContext): Promise<PreJoinForm | null> {
  if (await findFirst(ctx.page, S.NAME_INPUT, { timeoutMs: 0 })) return 'guest';
  return (await findFirst(ctx.page, S.JOIN_BUTTON, { timeoutMs: 0 })) ? 'signed_in' : null;
}

/**
 * On the guest form: true when the bot goes to sign in instead (`always`, not signed in yet), or reloads the meeting
 * because it did sign in and Teams still shows the guest form (a page that lost the race to the session, MBaaS #335).
 */
async function signInInstead(ctx: AdapterContext, memory: TeamsMemory): Promise<boolean> {
  const account = ctx.account;
  if (!account?.credential) return false;
  if (memory.signIn.lastAction !== null) {
    if (++memory.signIn.guestAfterSignIn > GUEST_AFTER_SIGN_IN_RELOADS) {
      throw new SignInWall('microsoft_teams_sign_in_failed', S.NAME_INPUT, `signed in, and Teams still shows the guest form after ${GUEST_AFTER_SIGN_IN_RELOADS} reloads`);
    }
    ctx.log.info('signed in, but Teams shows the guest form: opening the meeting again');
    await openLink(ctx);
    return true;
  }
  if (account.mode !== 'always') return false;
  await followSignIn(ctx, memory.signIn);
  return true;
}

/** The signed-in pre-join: the session is written back, and the bot is the account's name in the meeting. */
async function signedIn(ctx: AdapterContext, memory: TeamsMemory): Promise<PreJoinForm> {
  const avatar = await findFirst(ctx.page, S.SELF_AVATAR, { timeoutMs: 0 });
  memory.selfName = (await avatar?.locator.getAttribute('aria-label', { timeout: 1000 }).catch(() => null))?.trim() || null;
  ctx.log.info('signed in to Teams', { name: memory.selfName ?? '(not shown)' });
  ctx.account?.signedIn();
  return 'signed_in';
}

/**
 * Types the name. A shroud covers the form while it hydrates and can swallow the first keys, the AV modal can come
 * over it, and the light client can reload as the full one right after the first keys (Attendee #904), leaving an
 * empty form (LMA, MBaaS): the field must take a click before typing, and the value is read back after a moment;
 * a wrong one is typed again, the last time key by key.
 */
async function typeName(ctx: AdapterContext): Promise<void> {
  for (let attempt = 1; attempt <= NAME_ATTEMPTS && !ctx.signal.aborted; attempt++) {
    await clickFirst(ctx.page, S.AV_MODAL_CONTINUE, { timeoutMs: 0 }).catch(() => null);
    const field = await requireFirst(ctx.page, 'find the name input', S.NAME_INPUT, { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal });
    const clickable = await field.locator.click({ trial: true, timeout: NAME_CLICKABLE_MS }).then(() => true, () => false);
    // A modal over the form is a gate ("We need to verify your info"): the step gives way to it at once.
    if (!clickable && (await findFirst(ctx.page, S.MODAL, { timeoutMs: 0 }))) throw new JoinStepError('type the name', S.NAME_INPUT, 'ui_element_not_found', 'a dialog covers the name field');
    if (!clickable) continue;
    if (attempt < NAME_ATTEMPTS) await ctx.input.fill(field.locator, ctx.botName);
    else {
      await field.locator.fill('', { timeout: ctx.stepTimeoutMs });
      await field.locator.pressSequentially(ctx.botName, { delay: SLOW_TYPING_DELAY_MS, timeout: ctx.stepTimeoutMs + ctx.botName.length * SLOW_TYPING_DELAY_MS });
    }
    await sleep(NAME_SETTLE_MS);
    const now = await findFirst(ctx.page, S.NAME_INPUT, { timeoutMs: 0 });
    if (now && (await valueOf(now.locator)) === ctx.botName) return;
    ctx.log.debug('the typed name did not stick: typing it again', { attempt });
  }
  if (!ctx.signal.aborted) throw new JoinStepError('type the name', S.NAME_INPUT, 'ui_element_not_found', `the name did not stick after ${NAME_ATTEMPTS} tries`);
}

function valueOf(field: Locator): Promise<string> {
  return field.inputValue({ timeout: 2000 }).catch(() => '');
}

/** Microphone and camera off, computer audio on (a bot on "Don't use audio" hears nothing, Vexa). */
async function devicesOff(ctx: AdapterContext): Promise<void> {
  for (const [what, toggle] of [['microphone', S.MIC_TOGGLE], ['camera', S.CAMERA_TOGGLE]] as const) {
    await switchOffIfLive(ctx, what, toggle);
  }
  const audio = await findFirst(ctx.page, S.COMPUTER_AUDIO, { timeoutMs: 0 });
  if (audio && (await audio.locator.getAttribute('aria-checked').catch(() => null)) === 'false') {
    ctx.log.warn('"Don\'t use audio" was chosen: switching to computer audio');
    await clickRobustly(audio.locator, ctx.stepTimeoutMs);
  }
}

/** Whether a toggle says its device is on: `aria-checked`, or `checked` as teams.live.com exposes it (Attendee #320). */
function isLive(toggle: Locator): Promise<boolean> {
  return toggle
    .evaluate((el) => el.getAttribute('aria-checked') === 'true' || el.getAttribute('checked') !== null && el.getAttribute('checked') !== 'false' || (el as HTMLInputElement).checked === true)
    .catch(() => false);
}

async function switchOffIfLive(ctx: AdapterContext, what: string, selectors: readonly string[]): Promise<void> {
  const toggle = await findFirst(ctx.page, selectors, { timeoutMs: 0, state: 'attached', log: ctx.log, what: `the ${what} toggle` });
  if (!toggle) return void ctx.log.debug(`no ${what} toggle on the pre-join`);
  for (let attempt = 0; attempt < 2 && (await isLive(toggle.locator)); attempt++) {
    await clickRobustly(toggle.locator, ctx.stepTimeoutMs);
    await sleep(200);
  }
  if (await isLive(toggle.locator)) ctx.log.warn(`the ${what} stays on after two clicks`);
}

/**
 * Clicks Join now and follows what Teams makes of it: the AV modal can come back over the pre-join with Join now
 * still behind it (dismissed, then Join now again). Done once the page leaves the pre-join.
 */
async function clickJoin(ctx: AdapterContext, memory: TeamsMemory): Promise<void> {
  for (let attempt = 1; attempt <= JOIN_ATTEMPTS && !ctx.signal.aborted; attempt++) {
    await joinFromForm(ctx, memory);
    if (await settledAfterJoin(ctx, memory)) return;
  }
  if (!ctx.signal.aborted) throw new JoinStepError('click Join now', S.JOIN_BUTTON, 'ui_element_not_found', `still on the pre-join after ${JOIN_ATTEMPTS} clicks`);
}

/**
 * The form as it must be at every click of Join now, then the click. The light client can reload as the full one
 * mid-join (`lightExperience=false`, Attendee #904) and a lobby can fall back to the pre-join: the form may have
 * started over, with an empty name and live devices, so both are checked again each time.
 */
export async function joinFromForm(ctx: AdapterContext, memory: TeamsMemory): Promise<void> {
  const name = await findFirst(ctx.page, S.NAME_INPUT, { timeoutMs: 0 });
  if (name && (await valueOf(name.locator)) !== ctx.botName) await typeName(ctx);
  await devicesOff(ctx);
  const join = await requireFirst(ctx.page, 'click Join now', S.JOIN_BUTTON.map((s) => `${s}${S.ENABLED}`), { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal });
  await clickRobustly(join.locator, ctx.stepTimeoutMs);
  memory.joinClicked = true;
  memory.lastJoinClickAt = Date.now();
}

/** True once the page is past the pre-join; false when Join now is usable again (click it again). */
async function settledAfterJoin(ctx: AdapterContext, memory: TeamsMemory): Promise<boolean> {
  const deadline = Date.now() + AFTER_JOIN_WATCH_MS;
  while (!ctx.signal.aborted && Date.now() < deadline) {
    const snap = await look(ctx, memory);
    if (snap?.avModal) {
      ctx.log.info('Teams asks to continue without audio or video after Join now: continuing');
      await clickFirst(ctx.page, S.AV_MODAL_CONTINUE, { timeoutMs: 0 }).catch(() => null);
    } else if (snap && snap.state.phase !== 'pre_join' && snap.state.phase !== 'unknown') {
      return true;
    } else if (snap?.state.phase === 'pre_join' && (await findFirst(ctx.page, S.JOIN_BUTTON.map((s) => `${s}${S.ENABLED}`), { timeoutMs: 0 }))) {
      // Back on a usable form only counts once the modal had its chance to show.
      if (Date.now() > deadline - AFTER_JOIN_WATCH_MS / 2) return false;
    }
    await sleep(JOIN_POLL_MS * 2);
  }
  // Still connecting (no lobby text yet, no call): the session's probe follows from here.
  return true;
}
