import type { AccountCredential } from '../../src/account/credential.js';
import { totpCode } from '../../src/account/totp.js';
import type { FatalSubCode } from '../../src/lifecycle/codes.js';
import { JoinStepError, type AdapterContext } from '../../src/platform/adapter.js';
import { findFirst, JOIN_POLL_MS, requireFirst } from '../../src/platform/page.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { readAccountScreen, type AccountScreen } from './accountPage.js';
import * as S from './selectors.js';

const STEP = 'sign in to Google';
/** Attendee gives a Google sign-in 60 s before it calls it failed. */
const SIGN_IN_TIMEOUT_MS = 60_000;
/** A screen that stays after its Next click is clicked again after this long (Google ignores some clicks)... */
const RESUBMIT_MS = 4000;
/** ...this many times, and then the sign-in has failed. */
const MAX_SUBMITS = 3;
/** A person's typing pace for the secrets typed over CDP. */
const SECRET_KEY_DELAY_MS = 30;

export type SignInMove =
  | { do: 'email' | 'password' | 'recovery_email' | 'code' | 'try_another_way' | 'wait' }
  | { do: 'choose'; challenge: 'recovery_email' | 'authenticator' }
  | { do: 'fail'; sub_code: FatalSubCode; why: string };

type Secrets = Pick<AccountCredential, 'password' | 'recovery_email' | 'totp_secret'>;

/**
 * What to do on one of Google's sign-in screens with this credential. Every screen the bot cannot pass ends with
 * its own sub_code at once, never with a wait: a refusal after a submit, a captcha, a challenge the credential
 * has no answer for.
 */
export function nextSignInMove(screen: AccountScreen, c: Secrets): SignInMove {
  const fail = (sub_code: FatalSubCode, why: string): SignInMove => ({ do: 'fail', sub_code, why });
  switch (screen.kind) {
    case 'identifier':
      if (screen.captcha) return fail('google_meet_sign_in_captcha_failed', 'Google shows a captcha on its sign-in page');
      return screen.error ? fail('google_meet_sign_in_failed', 'Google does not know the account') : { do: 'email' };
    case 'password':
      if (screen.captcha) return fail('google_meet_sign_in_captcha_failed', 'Google shows a captcha on its password page');
      return screen.error ? fail('google_meet_sign_in_failed', 'Google refused the password') : { do: 'password' };
    case 'selection':
      if (screen.recovery && c.recovery_email) return { do: 'choose', challenge: 'recovery_email' };
      if (screen.authenticator && c.totp_secret) return { do: 'choose', challenge: 'authenticator' };
      if (screen.authenticator && !screen.recovery) return fail('google_meet_sign_in_missing_totp_secret', 'Google asks for an authenticator code and the credential has no totp_secret');
      return fail('google_meet_sign_in_missing_recovery_credentials', 'Google asks the account to verify it is you and the credential has no recovery_email for it');
    case 'recovery_email':
      if (!c.recovery_email) return fail('google_meet_sign_in_missing_recovery_credentials', 'Google asks for the recovery email and the credential has none');
      return screen.error ? fail('google_meet_sign_in_failed', 'Google refused the recovery email') : { do: 'recovery_email' };
    case 'totp':
      if (!c.totp_secret) return fail('google_meet_sign_in_missing_totp_secret', 'Google asks for a 2-Step Verification code and the credential has no totp_secret');
      return screen.error ? fail('google_meet_sign_in_failed', 'Google refused the authenticator code') : { do: 'code' };
    case 'two_step_other':
      return c.totp_secret ? { do: 'try_another_way' } : fail('google_meet_sign_in_missing_totp_secret', 'Google asks for 2-Step Verification and the credential has no totp_secret');
    case 'captcha':
      return fail('google_meet_sign_in_captcha_failed', 'Google asks for a captcha');
    case 'refused':
      return fail('google_meet_sign_in_failed', `Google refused the sign-in: "${screen.text}"`);
    case 'pending':
    case 'elsewhere':
      return { do: 'wait' };
  }
}

/**
 * Signs the page in to Google with the credential's email and password (and its answers to Google's challenges),
 * from the page's own "Sign in" link unless the page is already on Google's sign-in page. Returns once Google has
 * sent the page on (to the meeting, its `continue`); a screen it cannot pass throws a JoinStepError with its sub_code.
 */
export async function signInToGoogle(ctx: AdapterContext, credential: AccountCredential): Promise<void> {
  await openSignIn(ctx);
  const deadline = Date.now() + SIGN_IN_TIMEOUT_MS;
  /** The screen last submitted: when, and how many times in a row. */
  const submitted: { kind: AccountScreen['kind'] | null; at: number; times: number } = { kind: null, at: 0, times: 0 };
  let pendingSince = Date.now();
  while (!ctx.signal.aborted) {
    const screen = (await readAccountScreen(ctx)) ?? { kind: 'pending' };
    if (screen.kind === 'elsewhere') return;
    const move = nextSignInMove(screen, credential);
    if (move.do === 'fail') throw new JoinStepError(STEP, [], move.sub_code, move.why);
    if (Date.now() > deadline) throw new JoinStepError(STEP, [], 'google_meet_sign_in_failed', `not signed in within ${SIGN_IN_TIMEOUT_MS / 1000} s (on ${screen.kind})`);
    if (move.do === 'wait') {
      if (Date.now() - pendingSince > ctx.stepTimeoutMs) throw new JoinStepError(STEP, [], 'google_meet_sign_in_failed', 'Google shows no sign-in screen the bot knows');
      await sleep(JOIN_POLL_MS);
      continue;
    }
    pendingSince = Date.now();
    const again = submitted.kind === screen.kind;
    if (again && Date.now() - submitted.at < RESUBMIT_MS) {
      await sleep(JOIN_POLL_MS);
      continue;
    }
    if (again && submitted.times >= MAX_SUBMITS) throw new JoinStepError(STEP, [], 'google_meet_sign_in_failed', `Google stays on its ${screen.kind} screen`);
    ctx.log.debug('google sign-in', { screen: screen.kind, move: move.do });
    await perform(ctx, move, credential);
    Object.assign(submitted, { kind: screen.kind, at: Date.now(), times: again ? submitted.times + 1 : 1 });
  }
}

/** The page's own "Sign in" link (Meet's continues back to the meeting); without one, Google's ServiceLogin. */
async function openSignIn(ctx: AdapterContext): Promise<void> {
  if (((await readAccountScreen(ctx)) ?? { kind: 'elsewhere' }).kind !== 'elsewhere') return;
  const link = await findFirst(ctx.page, S.SIGN_IN_LINK, { timeoutMs: 0, log: ctx.log, what: 'the Sign in link' });
  if (link) await ctx.input.click(link.locator).catch((err: unknown) => ctx.log.debug('Sign in link: click failed', { error: String(err).split('\n')[0] }));
  if (link && (await onAccountPage(ctx, ctx.stepTimeoutMs))) return;
  const url = serviceLoginUrl(ctx.meeting.join_url);
  await withTimeout(ctx.page.goto(url, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }), ctx.stepTimeoutMs + 1000, 'open Google sign-in');
}

async function onAccountPage(ctx: AdapterContext, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    const screen = await readAccountScreen(ctx);
    if (screen && screen.kind !== 'elsewhere') return true;
    await sleep(JOIN_POLL_MS);
  }
  return false;
}

/** Google's sign-in, continuing to the meeting in English (Meet's own "Sign in" link has this form). */
export function serviceLoginUrl(meetingUrl: string): string {
  return `https://accounts.google.com/ServiceLogin?${new URLSearchParams({ continue: meetingUrl, hl: 'en' }).toString()}`;
}

async function perform(ctx: AdapterContext, move: Exclude<SignInMove, { do: 'fail' | 'wait' }>, c: AccountCredential): Promise<void> {
  const A = S.GOOGLE_SIGN_IN;
  switch (move.do) {
    case 'email':
      await ctx.input.fill((await field(ctx, A.identifier)).locator, c.email ?? '');
      return next(ctx, A.identifierNext);
    case 'password':
      await typeSecret(ctx, A.password, c.password ?? '');
      return next(ctx, A.passwordNext);
    case 'recovery_email':
      await ctx.input.fill((await field(ctx, A.recoveryEmail)).locator, c.recovery_email ?? '');
      return next(ctx, A.recoveryNext);
    case 'code':
      await typeSecret(ctx, A.totp, totpCode(c.totp_secret ?? ''));
      return next(ctx, A.totpNext);
    case 'choose':
      return ctx.input.click((await field(ctx, move.challenge === 'recovery_email' ? A.recoveryChallenge : A.authenticatorChallenge)).locator);
    case 'try_another_way':
      return ctx.input.click((await field(ctx, A.tryAnotherWay)).locator);
  }
}

function field(ctx: AdapterContext, selectors: readonly string[]) {
  return requireFirst(ctx.page, STEP, selectors, { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal, log: ctx.log });
}

/**
 * Types a password or a code as trusted key events over CDP, never through xdotool: its command line, which
 * every process on the machine can read in /proc, would carry the secret.
 */
async function typeSecret(ctx: AdapterContext, selectors: readonly string[], secret: string): Promise<void> {
  const input = (await field(ctx, selectors)).locator;
  await ctx.input.click(input);
  await withTimeout(
    (async () => {
      await ctx.page.keyboard.press('Control+A');
      await ctx.page.keyboard.press('Backspace');
      await ctx.page.keyboard.type(secret, { delay: SECRET_KEY_DELAY_MS });
    })(),
    ctx.stepTimeoutMs + secret.length * SECRET_KEY_DELAY_MS,
    'type into the sign-in field',
  );
}

/** Google's Next button; Enter in the field submits too (Attendee presses Enter). */
async function next(ctx: AdapterContext, selectors: readonly string[]): Promise<void> {
  const button = await findFirst(ctx.page, selectors, { timeoutMs: 1000, log: ctx.log, what: 'Next' });
  if (button) await ctx.input.click(button.locator);
  else await withTimeout(ctx.page.keyboard.press('Enter'), ctx.stepTimeoutMs, 'press Enter');
}
