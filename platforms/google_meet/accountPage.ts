import type { AdapterContext } from '../../src/platform/adapter.js';
import { evaluateBounded } from '../../src/platform/page.js';

/**
 * Google's sign-in pages (accounts.google.com), read by their structure: Google's own ids and names, which
 * automation peers have matched for years (identifierId, #identifierNext, Passwd, #passwordNext, totpPin,
 * #totpNext, knowledge-preregistered-email-response, data-challengetype 12 = recovery email, 6 = Google
 * Authenticator), then the texts Google shows (`hl=en`). The host name alone never decides: a page is an account
 * page because it has one of these forms.
 */
export const ACCOUNT_PAGE = {
  identifierInput: ['input#identifierId', 'input[type="email"][name="identifier"]', 'input[type="email"][autocomplete="username"]'],
  passwordInput: ['input[type="password"][name="Passwd"]', '#password input[type="password"]'],
  totpInput: ['input#totpPin', 'input[name="totpPin"]'],
  recoveryInput: ['input#knowledge-preregistered-email-response', 'input[name="knowledgePreregisteredEmailResponse"]'],
  captcha: ['#captchaimg', 'input[aria-label="Type the text you hear or see"]', 'iframe[title="reCAPTCHA"]', 'iframe[src*="recaptcha"]'],
  challengeList: '[data-challengetype]:not([data-challengeunavailable="true"])',
  /** The sign-in card every step renders into (automation peers address steps through `#view_container`). */
  shell: ['#view_container', '#initialView'],
  recoveryChallenge: '12',
  authenticatorChallenge: '6',
  /** Error texts under a field; Google also marks the field `aria-invalid="true"`. */
  unknownAccount: ["Couldn't find your Google Account", 'Enter a valid email or phone number'],
  wrongPassword: ['Wrong password', 'Your password was changed'],
  wrongAnswer: ['Wrong code', 'The email you entered is incorrect', "doesn't match"],
  recoveryOption: ['Confirm your recovery email'],
  authenticatorOption: ['Google Authenticator'],
  twoStep: ['2-Step Verification'],
  verify: ["Verify it's you"],
  /** Google refusing the browser itself (automated Chromium is well known to get it). */
  refused: ["Couldn't sign you in", 'This browser or app may not be secure'],
} as const;

export type AccountScreen =
  | { kind: 'identifier'; error: boolean; captcha: boolean }
  | { kind: 'password'; error: boolean; captcha: boolean }
  | { kind: 'selection'; recovery: boolean; authenticator: boolean }
  | { kind: 'recovery_email'; error: boolean }
  | { kind: 'totp'; error: boolean }
  /** 2-Step Verification without a code field (a phone prompt): only "Try another way" leads on. */
  | { kind: 'two_step_other' }
  | { kind: 'captcha' }
  | { kind: 'refused'; text: string }
  /** Google's sign-in card or host with no known form yet (a step loading, a redirect). */
  | { kind: 'pending' }
  /** Not one of Google's account pages: the meeting, or wherever sign-in continued to. */
  | { kind: 'elsewhere' };

/** One look at the page, inside it: self-contained, plain CSS only. */
function readAccountPage(a: typeof ACCOUNT_PAGE): AccountScreen {
  const norm = (s: string) => s.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ').toLowerCase();
  const shown = (el: Element | null): el is HTMLElement => el !== null && el.checkVisibility({ visibilityProperty: true });
  const first = (css: readonly string[]) => css.map((c) => document.querySelector(c)).find(shown) ?? null;
  const body = norm(document.body?.innerText ?? '');
  const says = (phrases: readonly string[]) => phrases.some((p) => body.includes(norm(p)));
  const invalid = (el: Element | null) => el?.getAttribute('aria-invalid') === 'true';
  const captcha = first(a.captcha) !== null;

  const refused = a.refused.find((p) => body.includes(norm(p)));
  if (refused) return { kind: 'refused', text: refused };
  const totp = first(a.totpInput);
  if (totp) return { kind: 'totp', error: invalid(totp) || says(a.wrongAnswer) };
  const recovery = first(a.recoveryInput);
  if (recovery) return { kind: 'recovery_email', error: invalid(recovery) || says(a.wrongAnswer) };
  const password = first(a.passwordInput);
  if (password) return { kind: 'password', error: invalid(password) || says(a.wrongPassword), captcha };
  const identifier = first(a.identifierInput);
  if (identifier) return { kind: 'identifier', error: invalid(identifier) || says(a.unknownAccount), captcha };
  const challenges = [...document.querySelectorAll(a.challengeList)].filter(shown);
  if (challenges.length > 0) {
    const offers = (type: string, phrases: readonly string[]) =>
      challenges.some((el) => el.getAttribute('data-challengetype') === type || phrases.some((p) => norm(el.textContent ?? '').includes(norm(p))));
    return { kind: 'selection', recovery: offers(a.recoveryChallenge, a.recoveryOption), authenticator: offers(a.authenticatorChallenge, a.authenticatorOption) };
  }
  if (captcha || /\/challenge\/recaptcha/.test(location.pathname)) return { kind: 'captcha' };
  if (says(a.twoStep)) return { kind: 'two_step_other' };
  if (says(a.verify)) return { kind: 'selection', recovery: false, authenticator: false };
  // Between two steps the card is empty for a moment: still Google's page, not the meeting yet.
  const shell = a.shell.some((c) => document.querySelector(c) !== null);
  return shell || location.hostname === 'accounts.google.com' ? { kind: 'pending' } : { kind: 'elsewhere' };
}

/** The account page now; null while it cannot be read (a navigation under way). */
export function readAccountScreen(ctx: AdapterContext): Promise<AccountScreen | null> {
  return evaluateBounded(ctx.page, readAccountPage, ACCOUNT_PAGE, ctx.stepTimeoutMs, 'read the Google sign-in page').catch(() => null);
}
