import type { Locator } from 'playwright-core';
import { JoinStepError, type AdapterContext, type MeetingSnapshot } from '../../src/platform/adapter.js';
import { clickFirst, findFirst, JOIN_POLL_MS } from '../../src/platform/page.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { probeMeet, type MeetProbeMemory } from './probe.js';
import * as S from './selectors.js';
import { signInToGoogle } from './signIn.js';

/** Vexa waits up to 120 s for the pre-join form on slow loads; we bound it by the same order. */
const PREJOIN_FORM_TIMEOUT_MS = 60_000;
/**
 * A CTA with no name field means a signed-in pre-join only if it stays so this long (or the account chip shows):
 * a guest form that renders its button before its field must not read as signed in.
 */
const SIGNED_IN_SETTLE_MS = 500;

/** The pre-join form the bot reached: a guest's, with its name field, or a signed-in one (no name: the account's). */
export type PreJoin = { kind: 'guest'; nameInput: Locator } | { kind: 'signed_in' };

/**
 * Waits for the pre-join form, dismissing the device modal and popups in front of it, and signs in on the way
 * where the body asks for it (sign_in, platforms.md 1.3):
 * - `always`: a guest form or a sign-in wall means the saved session did not sign the page in; the bot signs in
 *   with its password, or ends with google_meet_sign_in_missing_login_credentials without one.
 * - `only_if_required`: the bot joins as a guest unless Meet shows a sign-in wall (Google's sign-in page, the
 *   "no one can join unless invited" block); then it signs in the same way.
 * After a sign-in the form must have no name field: one there means Meet did not take the account (Attendee).
 * Returns null when the page turned out to be an end screen or a wall (the probe reports it).
 */
export async function reachPreJoin(ctx: AdapterContext, seen: MeetProbeMemory): Promise<PreJoin | null> {
  const deadline = Date.now() + PREJOIN_FORM_TIMEOUT_MS;
  let ctaSince: number | null = null;
  while (!ctx.signal.aborted) {
    // A page in the middle of a navigation (Meet sending a guest to sign in, Google back to Meet) is read again.
    const snap = await probeMeet(ctx, seen).catch((err: unknown) => {
      if (Date.now() > deadline) throw err;
      return null;
    });
    if (!snap) {
      await sleep(JOIN_POLL_MS);
      continue;
    }
    if (isSignInWall(snap)) {
      if (await signInAtWall(ctx, seen)) continue;
      return null;
    }
    const phase = snap.state.phase;
    if (phase !== 'pre_join' && phase !== 'unknown' && phase !== 'joining') return null;
    await clickFirst(ctx.page, S.PREJOIN_DIALOG_BUTTONS, { timeoutMs: 0 }).catch(() => null);
    const input = await findFirst(ctx.page, S.NAME_INPUT, { timeoutMs: 0 });
    if (input) {
      if (seen.signInTried) throw new JoinStepError('sign in to Google', S.NAME_INPUT, 'google_meet_sign_in_failed', 'signed in, but Meet shows the guest name field');
      if (ctx.account?.mode !== 'always') return { kind: 'guest', nameInput: input.locator };
      await signIn(ctx, seen, 'the saved session did not sign the page in (Meet shows the guest form)');
      continue;
    }
    if (await findFirst(ctx.page, S.SIGNED_IN_CTA, { timeoutMs: 0 })) {
      ctaSince ??= Date.now();
      const chip = await findFirst(ctx.page, S.ACCOUNT_CHIP, { timeoutMs: 0, state: 'attached' });
      if (chip || Date.now() - ctaSince >= SIGNED_IN_SETTLE_MS) {
        await confirmSignedIn(ctx, seen, chip?.locator ?? null);
        return { kind: 'signed_in' };
      }
    } else ctaSince = null;
    if (Date.now() > deadline) break;
    await sleep(JOIN_POLL_MS);
  }
  throw new JoinStepError('find the name input', S.NAME_INPUT, 'ui_element_not_found', `no pre-join form within ${PREJOIN_FORM_TIMEOUT_MS} ms`);
}

function isSignInWall(snap: MeetingSnapshot): boolean {
  return snap.state.phase === 'ended' && snap.state.outcome.sub_code === 'meeting_requires_sign_in';
}

/** A wall only an account passes: sign in when the bot has one and has not tried yet; false leaves the wall to the probe. */
async function signInAtWall(ctx: AdapterContext, seen: MeetProbeMemory): Promise<boolean> {
  if (!ctx.account?.credential || seen.signInTried) return false;
  await signIn(ctx, seen, 'Meet asks the guest to sign in and the saved session did not sign the page in');
  return true;
}

async function signIn(ctx: AdapterContext, seen: MeetProbeMemory, why: string): Promise<void> {
  const credential = ctx.account?.credential;
  if (!credential?.password || !credential.email) {
    throw new JoinStepError('sign in to Google', [], 'google_meet_sign_in_missing_login_credentials', `${why}, and the credential has no password`);
  }
  seen.signInTried = true;
  ctx.log.info('signing in to Google with the password', { why });
  await signInToGoogle(ctx, credential);
  // Google continues to the meeting; anywhere else, the bot opens the meeting itself.
  if (new URL(ctx.page.url()).pathname !== new URL(ctx.meeting.join_url).pathname) {
    await withTimeout(ctx.page.goto(ctx.meeting.join_url, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }), ctx.stepTimeoutMs + 1000, 'open the meeting page');
  }
}

/** The page is signed in: the session writes the browser's session back (it rotates as Meet loads). */
async function confirmSignedIn(ctx: AdapterContext, seen: MeetProbeMemory, chip: Locator | null): Promise<void> {
  if (seen.signedIn) return;
  seen.signedIn = true;
  const account = chip ? await chip.getAttribute('aria-label', { timeout: ctx.stepTimeoutMs }).catch(() => null) : null;
  ctx.log.info('the pre-join is signed in: no name field', { account });
  ctx.account?.signedIn();
}
