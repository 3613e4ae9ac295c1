import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters from [A-Za-z0-9], uniformly (rejection sampling: no modulo bias). */
export function alphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

/** A bot's two ids: Recall's uuid, and Attendee's `bot_` + 16 alphanumerics (bot-api.md section 1). */
export function newBotIds(): { id: string; publicId: string } {
  return { id: randomUUID(), publicId: `bot_${alphanumeric(16)}` };
}

export function newProjectId(): string {
  return `proj_${alphanumeric(16)}`;
}

/** An API key: shown once, stored only as its hash. The prefix names it in listings. */
export function newApiKey(): { key: string; prefix: string; hash: string; id: string } {
  const key = `mb_${alphanumeric(40)}`;
  return { key, prefix: key.slice(0, 8), hash: hashSecret(key), id: `key_${alphanumeric(16)}` };
}

/** A per-bot token for its command channel: stored hashed like an API key. */
export function newControlToken(): { token: string; hash: string } {
  const token = alphanumeric(48);
  return { token, hash: hashSecret(token) };
}

/**
 * SHA-256 is right for these secrets (unlike passwords): they are 238+ bits of randomness, so a fast hash
 * cannot be brute-forced, and lookups by hash stay one index probe.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameSecret(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(s: string): boolean {
  return UUID.test(s);
}
