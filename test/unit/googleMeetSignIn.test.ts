import { describe, expect, it } from 'vitest';
import type { AccountScreen } from '../../platforms/google_meet/accountPage.js';
import { nextSignInMove, serviceLoginUrl } from '../../platforms/google_meet/signIn.js';

// What the Meet adapter does on each of Google's sign-in screens, for what the credential holds: every screen it
// cannot pass ends with its own sub_code, never with a wait.

const FULL = { password: 'pw', recovery_email: 'backup@example.org', totp_secret: 'JBSWY3DPEHPK3PXP' };
const PASSWORD_ONLY = { password: 'pw' };
const move = (screen: AccountScreen, c: Parameters<typeof nextSignInMove>[1] = FULL) => {
  const m = nextSignInMove(screen, c);
  return m.do === 'fail' ? m.sub_code : m.do === 'choose' ? `choose ${m.challenge}` : m.do;
};

describe('nextSignInMove', () => {
  it('types the email and the password, and ends at a refusal of either', () => {
    expect(move({ kind: 'identifier', error: false, captcha: false })).toBe('email');
    expect(move({ kind: 'identifier', error: true, captcha: false })).toBe('google_meet_sign_in_failed');
    expect(move({ kind: 'password', error: false, captcha: false })).toBe('password');
    expect(move({ kind: 'password', error: true, captcha: false })).toBe('google_meet_sign_in_failed');
    expect(move({ kind: 'refused', text: "Couldn't sign you in" })).toBe('google_meet_sign_in_failed');
  });

  it('ends at a captcha, wherever it shows', () => {
    expect(move({ kind: 'identifier', error: false, captcha: true })).toBe('google_meet_sign_in_captcha_failed');
    expect(move({ kind: 'password', error: true, captcha: true })).toBe('google_meet_sign_in_captcha_failed');
    expect(move({ kind: 'captcha' })).toBe('google_meet_sign_in_captcha_failed');
  });

  it('answers "Verify it’s you" with the recovery email, else with the authenticator, else ends naming what is missing', () => {
    const both: AccountScreen = { kind: 'selection', recovery: true, authenticator: true };
    expect(move(both)).toBe('choose recovery_email');
    expect(move(both, { password: 'pw', totp_secret: 'JBSWY3DPEHPK3PXP' })).toBe('choose authenticator');
    expect(move(both, PASSWORD_ONLY)).toBe('google_meet_sign_in_missing_recovery_credentials');
    expect(move({ kind: 'selection', recovery: false, authenticator: true }, PASSWORD_ONLY)).toBe('google_meet_sign_in_missing_totp_secret');
    expect(move({ kind: 'selection', recovery: false, authenticator: false })).toBe('google_meet_sign_in_missing_recovery_credentials');
    expect(move({ kind: 'recovery_email', error: false })).toBe('recovery_email');
    expect(move({ kind: 'recovery_email', error: false }, PASSWORD_ONLY)).toBe('google_meet_sign_in_missing_recovery_credentials');
    expect(move({ kind: 'recovery_email', error: true })).toBe('google_meet_sign_in_failed');
  });

  it('types the authenticator code at 2-Step Verification, takes another way from a phone prompt, ends without a secret', () => {
    expect(move({ kind: 'totp', error: false })).toBe('code');
    expect(move({ kind: 'totp', error: true })).toBe('google_meet_sign_in_failed');
    expect(move({ kind: 'totp', error: false }, PASSWORD_ONLY)).toBe('google_meet_sign_in_missing_totp_secret');
    expect(move({ kind: 'two_step_other' })).toBe('try_another_way');
    expect(move({ kind: 'two_step_other' }, PASSWORD_ONLY)).toBe('google_meet_sign_in_missing_totp_secret');
  });

  it('waits while a step loads or the page is not Google’s', () => {
    expect(move({ kind: 'pending' })).toBe('wait');
    expect(move({ kind: 'elsewhere' })).toBe('wait');
  });
});

describe('serviceLoginUrl', () => {
  it('is Google’s ServiceLogin continuing to the meeting, in English', () => {
    const url = new URL(serviceLoginUrl('https://meet.google.com/abc-defg-hij?hl=en'));
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/ServiceLogin');
    expect(url.searchParams.get('continue')).toBe('https://meet.google.com/abc-defg-hij?hl=en');
    expect(url.searchParams.get('hl')).toBe('en');
  });
});
