import { z } from 'zod';
import { MAX_SHORT_TEXT } from '../config/fields.js';

/**
 * A signed-in bot's account: what the operator stores once (a file for `meetbot join --credential`, a row of
 * the service's login groups, a Kubernetes Secret) and what the bot signs in with. Either a saved browser
 * session (`storage_state`, Playwright's format: cookies and local storage), or an email and password the bot
 * types on the platform's sign-in page, or both: the session first, the password when the session has expired.
 * The bot writes the session back when the platform rotates it (see session/botAccount.ts).
 */
export const ACCOUNT_PLATFORMS = ['google_meet', 'microsoft_teams'] as const;
export type AccountPlatform = (typeof ACCOUNT_PLATFORMS)[number];

const cookie = z.looseObject({
  name: z.string().min(1),
  value: z.string(),
  domain: z.string().min(1),
  path: z.string().min(1),
  expires: z.number(),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: z.enum(['Strict', 'Lax', 'None']),
});

export const storageState = z.strictObject({
  cookies: z.array(cookie).max(2000),
  origins: z
    .array(
      z.strictObject({
        origin: z.string().min(1),
        localStorage: z.array(z.strictObject({ name: z.string(), value: z.string() })).max(2000),
      }),
    )
    .max(200),
});
export type StorageState = z.infer<typeof storageState>;

const BASE32 = /^[A-Z2-7]+=*$/;

export const accountCredential = z
  .strictObject({
    platform: z.enum(ACCOUNT_PLATFORMS),
    email: z.email().max(MAX_SHORT_TEXT).optional(),
    password: z.string().min(1).max(MAX_SHORT_TEXT).optional(),
    /** The authenticator app's secret (base32, spaces allowed), for two-step verification codes. */
    totp_secret: z
      .string()
      .transform((s) => s.replace(/\s+/g, '').toUpperCase())
      .pipe(z.string().min(16).max(128).regex(BASE32, { error: 'must be the base32 secret of an authenticator app' }))
      .optional(),
    /** Answers Google's "Confirm your recovery email" step of "Verify it's you". */
    recovery_email: z.email().max(MAX_SHORT_TEXT).optional(),
    storage_state: storageState.optional(),
    /** When the bot last wrote the session back (ISO-8601). */
    saved_at: z.iso.datetime().optional(),
  })
  .refine((c) => c.password !== undefined || c.storage_state !== undefined, {
    error: 'needs a password (with its email) or a storage_state (a saved session)',
  })
  .refine((c) => c.password === undefined || c.email !== undefined, { error: 'a password needs its email', path: ['email'] });
export type AccountCredential = z.infer<typeof accountCredential>;

/** Thrown for a credential that does not parse: the message names the field and the reason, never a value. */
export class CredentialError extends Error {
  override name = 'CredentialError';
}

export function parseCredential(json: unknown, source: string): AccountCredential {
  const parsed = accountCredential.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : '(credential)';
  throw new CredentialError(`${source}: ${field}: ${issue.message}`);
}

/** Cookie values this short are common words of a log line; a session cookie is far longer. */
const MIN_SECRET_COOKIE = 8;

/** Every string of the credential that must never be written anywhere but back to its own store. */
export function credentialSecrets(c: AccountCredential): string[] {
  const out: string[] = [];
  if (c.password) out.push(c.password, encodeURIComponent(c.password));
  if (c.totp_secret) out.push(c.totp_secret);
  for (const k of c.storage_state?.cookies ?? []) if (k.value.length >= MIN_SECRET_COOKIE) out.push(k.value);
  for (const o of c.storage_state?.origins ?? []) for (const e of o.localStorage) if (e.value.length >= MIN_SECRET_COOKIE) out.push(e.value);
  return out;
}

/** What may be said of a credential in a log or an event: which account and what it holds, no secret. */
export function describeCredential(c: AccountCredential): { platform: AccountPlatform; account: string | null; session: boolean; password: boolean } {
  return { platform: c.platform, account: c.email ?? null, session: c.storage_state !== undefined, password: c.password !== undefined };
}
