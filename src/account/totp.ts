import { TOTP } from 'otpauth';

/**
 * The current code of an authenticator app (RFC 6238: SHA-1, 6 digits, 30 s), for the two-step screens of
 * Google and Microsoft. `at` is for tests and for the mocks, which check a code the same way.
 */
export function totpCode(base32Secret: string, at: number = Date.now()): string {
  return new TOTP({ secret: base32Secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at });
}

/** Whether a typed code is the secret's code now or in the 30 s window on either side (clock drift). */
export function totpMatches(base32Secret: string, code: string, at: number = Date.now()): boolean {
  return new TOTP({ secret: base32Secret, algorithm: 'SHA1', digits: 6, period: 30 }).validate({ token: code, timestamp: at, window: 1 }) !== null;
}
