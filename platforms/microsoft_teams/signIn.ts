import type { Locator } from 'playwright-core';
import { totpCode } from '../../src/account/totp.js';
import { JoinStepError, type AdapterContext } from '../../src/platform/adapter.js';
import { clickFirst, evaluateBounded, findFirst, requireFirst } from '../../src/platform/page.js';
import type { FatalSubCode } from '../../src/lifecycle/codes.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { PROBE } from './selectors.js';

/**
 * Microsoft's sign-in (Entra ID) for a signed-in Teams bot (teams.md 2.5), one step per look so the join loop stays
 * in charge: the username, then the password on the same page (Attendee checks the password landed, up to 5 times),
 * an authenticator code when the credential has the app's secret (through "Approve sign in request" → "I can't use
 * my Microsoft Authenticator app right now" → "Use a verification code" when the push comes first), and "Stay signed
 * in?" Yes, so the session outlives the browser (MBaaS). Every other screen is a wall with its sub_code, thrown at
 * once: Microsoft locks accounts that retry wrong passwords, and a wall never goes away by waiting. Pages are
 * recognised by what they hold, never by their host: ids and texts as Attendee, MBaaS and public Entra ID sign-in
 * scripts use them.
 */
const LOGIN = {
  username: ['input[name="loginfmt"]', '#i0116', '#usernameEntry'],
  password: ['input[name="passwd"]', '#i0118', '#passwordEntry'],
  /** One submit for Next, Sign in and Yes; the new consumer sign-in's primary button second. */
  submit: ['#idSIButton9', '[data-testid="primaryButton"]', 'input[type="submit"]'],
  usernameError: ['#usernameError'],
  passwordError: ['#passwordError'],
  code: ['input[name="otc"]', '#idTxtBx_SAOTCC_OTC', 'input[autocomplete="one-time-code"]'],
  codeError: ['#idSpan_SAOTCC_Error_OTC'],
  verify: ['#idSubmit_SAOTCC_Continue', 'input[type="submit"]'],
  /** "Verify your identity": the list of second factors; the code is `PhoneAppOTP`. */
  proofs: ['#idDiv_SAOTCS_Proofs'],
  proofCode: ['#idDiv_SAOTCS_Proofs [data-value="PhoneAppOTP"]', '[role="button"]:has-text("Use a verification code")'],
  /** "Approve sign in request" (number matching) and its way out to another factor. */
  push: ['#idRichContext_DisplaySign'],
  pushTexts: ['Approve sign in request', 'Check your Authenticator app'],
  anotherWay: ['#signInAnotherWay', 'a:has-text("I can\'t use my Microsoft Authenticator app right now")'],
  /** Security info registration: the account has no second factor yet and must set one up. */
  proofUp: ['#idSubmit_ProofUp_Redirect', '#ProofUpDescription'],
  proofUpTexts: ['More information required', "Let's keep your account secure", 'Help us protect your account'],
  staySignedIn: ['#KmsiCheckboxField', '#KmsiDescription'],
  staySignedInTexts: ['Stay signed in?'],
  dontShowAgain: ['#KmsiCheckboxField'],
  yes: ['#idSIButton9', 'input[type="submit"][value="Yes"]'],
  captcha: ['#arkoseFrame', 'iframe[src*="hip"]', 'iframe[title*="captcha" i]', '[data-testid*="captcha" i]'],
} as const;

export type LoginView =
  | 'captcha' | 'unknown_account' | 'wrong_password' | 'wrong_code' | 'proof_up' | 'code' | 'proofs' | 'push' | 'stay_signed_in'
  | 'password' | 'username' | 'none';

/** What the page shows of Microsoft's sign-in, in one evaluation; walls and errors before the forms they sit on. */
function readLoginPage(l: typeof LOGIN): LoginView {
  const norm = (s: string) => s.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
  const shown = (css: readonly string[]) =>
    css.flatMap((c) => [...document.querySelectorAll(c)]).filter((el) => el.checkVisibility({ visibilityProperty: true }));
  const any = (css: readonly string[]) => shown(css).length > 0;
  const said = (css: readonly string[]) => shown(css).some((el) => ((el as HTMLElement).innerText ?? '').trim() !== '');
  const body = norm(document.body?.innerText ?? '');
  const reads = (texts: readonly string[]) => texts.some((t) => body.includes(norm(t)));
  if (any(l.captcha)) return 'captcha';
  if (said(l.usernameError)) return 'unknown_account';
  if (said(l.passwordError)) return 'wrong_password';
  if (said(l.codeError)) return 'wrong_code';
  if (any(l.proofUp) || reads(l.proofUpTexts)) return 'proof_up';
  if (any(l.code)) return 'code';
  if (any(l.proofs)) return 'proofs';
  if (any(l.push) || reads(l.pushTexts)) return 'push';
  if (any(l.staySignedIn) || reads(l.staySignedInTexts)) return 'stay_signed_in';
  if (any(l.password)) return 'password';
  if (any(l.username)) return 'username';
  return 'none';
}

/** Microsoft's sign-in screen the page shows, or `none` (also while a page loads or navigates). */
export function loginView(ctx: AdapterContext): Promise<LoginView> {
  return evaluateBounded(ctx.page, readLoginPage, LOGIN, ctx.stepTimeoutMs, 'read the sign-in page').catch(() => 'none' as const);
}

/** What one bot's sign-in did so far (a page that comes back must not be answered twice). */
export interface SignInMemory {
  passwordsSent: number;
  lastAction: { view: LoginView; at: number } | null;
  /** How often, and when last, the bot went to Microsoft's sign-in from a Teams page. */
  followed: number;
  followedAt: number;
  /** The sign-in started from Microsoft's start page: the meeting is opened again once it is done. */
  reopenMeeting: boolean;
  /** Meeting loads that still showed the guest form after signing in (MBaaS retries twice). */
  guestAfterSignIn: number;
}

export function newSignInMemory(): SignInMemory {
  return { passwordsSent: 0, lastAction: null, followed: 0, followedAt: 0, reopenMeeting: false, guestAfterSignIn: 0 };
}

/** A sign-in wall: the bot ends with its sub_code and the page as evidence (never retried, never a gate to wait out). */
export class SignInWall extends JoinStepError {
  constructor(sub_code: FatalSubCode, selectors: readonly string[], detail: string) {
    super('sign in to Microsoft', selectors, sub_code, detail);
  }
}

/** A form Microsoft shows again this soon after the bot answered it is still loading the answer. */
const SAME_VIEW_PATIENCE_MS = 3000;
const PASSWORD_FILL_TRIES = 5;
/** Attendee's signed-in join: the password page back without an error still means no. */
const MAX_PASSWORDS = 2;

/** Answers the sign-in screen the page shows, or throws its wall. */
export async function signInStep(ctx: AdapterContext, memory: SignInMemory, view: LoginView): Promise<void> {
  const credential = ctx.account?.credential;
  if (!credential) throw new SignInWall('microsoft_teams_sign_in_credentials_missing', [], 'Microsoft asks the bot to sign in and it has no credential for Teams');
  const last = memory.lastAction;
  if (last?.view === view && Date.now() - last.at < SAME_VIEW_PATIENCE_MS) return;
  const secret = credential.totp_secret;
  const noCode = (screen: string) =>
    new SignInWall('microsoft_teams_2fa_required', [...LOGIN.code, ...LOGIN.push, ...LOGIN.proofs], `Microsoft asks for a second factor (${screen}) and the credential has no totp_secret`);
  switch (view) {
    case 'captcha':
      throw new SignInWall('microsoft_teams_captcha_detected', LOGIN.captcha, "Microsoft's sign-in shows a captcha");
    case 'unknown_account':
      throw new SignInWall('microsoft_teams_sign_in_failed', LOGIN.usernameError, `Microsoft does not know the account ${credential.email ?? ''}`.trim());
    case 'wrong_password':
      throw new SignInWall('microsoft_teams_sign_in_failed', LOGIN.passwordError, 'Microsoft refused the password ("Your account or password is incorrect")');
    case 'wrong_code':
      throw new SignInWall('microsoft_teams_2fa_required', LOGIN.codeError, "Microsoft refused the authenticator code: is the totp_secret this account's?");
    case 'proof_up':
      throw new SignInWall('microsoft_teams_2fa_required', LOGIN.proofUp, 'Microsoft asks the account to register security info ("More information required")');
    case 'push':
      if (!secret) throw noCode('Approve sign in request');
      await clickFirst(ctx.page, LOGIN.anotherWay, { timeoutMs: ctx.stepTimeoutMs, log: ctx.log, what: 'another way than the Authenticator push' });
      break;
    case 'proofs':
      if (!secret) throw noCode('Verify your identity');
      await clickFirst(ctx.page, LOGIN.proofCode, { timeoutMs: ctx.stepTimeoutMs, log: ctx.log, what: 'Use a verification code' });
      break;
    case 'code': {
      if (!secret) throw noCode('Enter code');
      const field = await requireFirst(ctx.page, 'type the authenticator code', LOGIN.code, { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal });
      await ctx.input.fill(field.locator, totpCode(secret));
      await submit(ctx, LOGIN.verify);
      break;
    }
    case 'stay_signed_in': {
      // Yes keeps the session across browser restarts; "Don't show this again" spares the next bot the question.
      const box = await findFirst(ctx.page, LOGIN.dontShowAgain, { timeoutMs: 0 });
      if (box && !(await box.locator.isChecked().catch(() => true))) await box.locator.check({ timeout: ctx.stepTimeoutMs }).catch(() => undefined);
      await submit(ctx, LOGIN.yes);
      break;
    }
    case 'password': {
      if (!credential.password) throw new SignInWall('microsoft_teams_sign_in_failed', LOGIN.password, 'the saved session no longer signs in and the credential has no password');
      if (memory.passwordsSent >= MAX_PASSWORDS) throw new SignInWall('microsoft_teams_sign_in_failed', LOGIN.password, `Microsoft asked for the password again after ${MAX_PASSWORDS} tries`);
      await typePassword(ctx, credential.password);
      memory.passwordsSent++;
      await submit(ctx, LOGIN.submit);
      break;
    }
    case 'username': {
      if (!credential.email) throw new SignInWall('microsoft_teams_sign_in_failed', LOGIN.username, 'the saved session no longer signs in and the credential has no email and password');
      const field = await requireFirst(ctx.page, 'type the account', LOGIN.username, { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal });
      await ctx.input.fill(field.locator, credential.email);
      await submit(ctx, LOGIN.submit);
      break;
    }
    case 'none':
      return;
  }
  ctx.log.debug('sign-in step answered', { view });
  memory.lastAction = { view, at: Date.now() };
}

/** Types the password and reads it back: a field that is still hydrating drops keys (Attendee tries 5 times). */
async function typePassword(ctx: AdapterContext, password: string): Promise<void> {
  for (let attempt = 1; attempt <= PASSWORD_FILL_TRIES; attempt++) {
    const field = await requireFirst(ctx.page, 'type the password', LOGIN.password, { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal });
    await ctx.input.fill(field.locator, password);
    if ((await valueOf(field.locator)) === password) return;
    ctx.log.debug('the password did not land in its field: typing it again', { attempt });
    await sleep(300);
  }
  throw new JoinStepError('type the password', LOGIN.password, 'ui_element_not_found', `the password field did not take the password after ${PASSWORD_FILL_TRIES} tries`);
}

function valueOf(field: Locator): Promise<string> {
  return field.inputValue({ timeout: 2000 }).catch(() => '');
}

async function submit(ctx: AdapterContext, selectors: readonly string[]): Promise<void> {
  const button = await requireFirst(ctx.page, 'submit the sign-in form', selectors, { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal });
  await ctx.input.click(button.locator);
}

/** The pages' own ways to Microsoft's sign-in: the guest pre-join's "Sign in" (unattributed bot), the gates' buttons. */
const SIGN_IN_LINKS = ['[data-tid="prejoin-signin-button"]', 'button:has-text("Sign in")', 'a:has-text("Sign in")', '[role="button"]:has-text("Sign in")'];
/** Where Attendee signs in before opening the meeting when the page offers no way: it leads to the same sign-in. */
const SIGN_IN_START = 'https://www.office.com/login';
/** Signing in through a link or a gate more often than this means it does not take. */
const MAX_FOLLOWS = 3;

/**
 * Goes to Microsoft's sign-in from a Teams page: the page's own link or button (it comes back to the meeting),
 * else Microsoft's start page, after which the meeting is opened again.
 */
export async function followSignIn(ctx: AdapterContext, memory: SignInMemory): Promise<void> {
  if (Date.now() - memory.followedAt < SAME_VIEW_PATIENCE_MS) return; // the last click is still navigating
  memory.followedAt = Date.now();
  if (++memory.followed > MAX_FOLLOWS) {
    throw new SignInWall('microsoft_teams_sign_in_failed', SIGN_IN_LINKS, `signed in ${MAX_FOLLOWS} times and Teams still asks for it`);
  }
  if (await clickFirst(ctx.page, SIGN_IN_LINKS, { timeoutMs: 0, log: ctx.log, what: 'the page’s Sign in' }).catch(() => null)) return;
  ctx.log.info('the Teams page offers no sign-in: starting at Microsoft’s sign-in page', { url: SIGN_IN_START });
  memory.reopenMeeting = true;
  await withTimeout(ctx.page.goto(SIGN_IN_START, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }), ctx.stepTimeoutMs + 1000, 'open Microsoft sign-in');
}

/** After a sign-in that started at Microsoft's start page: once the page has left the sign-in, the meeting again. */
export function mustReopenMeeting(ctx: AdapterContext, memory: SignInMemory): boolean {
  if (!memory.reopenMeeting || memory.lastAction === null) return false;
  const host = URL.parse(ctx.page.url())?.hostname;
  if (!host || (PROBE.loginHosts as readonly string[]).includes(host)) return false;
  memory.reopenMeeting = false;
  return true;
}
