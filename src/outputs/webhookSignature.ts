import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signing (bot-api.md 8.2): HMAC-SHA256 over `"{id}.{timestamp}.{body}"`, keyed with the
 * base64-decoded part of a `whsec_` secret, sent as `v1,<base64 digest>`.
 */
export function parseWebhookSecret(secret: string): Buffer {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    throw new Error('webhook secret: must be "whsec_" followed by base64');
  }
  return Buffer.from(b64, 'base64');
}

export function signWebhook(key: Buffer, id: string, timestampSec: number, body: string): string {
  const digest = createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64');
  return `v1,${digest}`;
}
