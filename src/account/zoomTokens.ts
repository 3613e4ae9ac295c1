import type { ZoomAuthSpec } from '../config/botSpec.js';
import { newWebhookId, signWebhook } from '../events/statusWebhook.js';
import { OutgoingRequestError, requestOutgoing } from './outgoingRequest.js';

/**
 * The Zoom tokens a bot joins with, fetched right before it joins (bot-api.md 2.1, 2.3):
 * - Recall's `zoom.zak_url`, `zoom.join_token_url`, `zoom.obf_token_url`: a GET with no Authorization header (the
 *   URL's own query authenticates, kept as given), answered with the token as plain text; 404 means "no token"
 *   and the bot joins without it; a 200 that is not a token fails the join (Recall, "Providing Zoom Join Tokens").
 * - Attendee's `callback_settings.zoom_tokens_url`: a POST of `{bot_id, bot_metadata, callback_type: "zoom_tokens",
 *   meeting_url}` answered with `{zak_token, join_token, app_privilege_token, onbehalf_token}`, where
 *   `onbehalf_token` may list tokens separated by commas, tried in turn (Attendee's external_callback_utils.py).
 *   Attendee signs it with the project's webhook secret; meetbot signs it the Standard Webhooks way with the
 *   runtime's MEETBOT_WEBHOOK_SECRET, as it signs its webhooks.
 * Every token is handed to `learn` (the bot's redaction) the moment it is read, before anything else sees it.
 */
export interface ZoomTokens {
  zak: string | null;
  /** Join token for local recording (Zoom's `recordingToken`); Attendee's `app_privilege_token` stands in for it. */
  joinToken: string | null;
  /** On-behalf-of tokens, in the order they are to be tried. */
  obf: string[];
}

export interface TokenFetchOptions {
  allowLoopback: boolean;
  /** The Standard Webhooks key that signs the callback; null sends it unsigned. */
  webhookKey: Buffer | null;
  bot: { id: string; metadata: Record<string, string>; meetingUrl: string };
  learn(secret: string): void;
  timeoutMs?: number;
}

/** A token URL failed, or answered what is not a token: `field` names the body field whose URL it was. */
export class ZoomTokenError extends Error {
  override name = 'ZoomTokenError';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export const TOKEN_TIMEOUT_MS = 10_000;
const MAX_BYTES = 16 * 1024;
const MAX_REDIRECTS = 3;
/** Zoom's tokens are JWTs or opaque strings of URL-safe and base64 characters. */
const TOKEN = /^[A-Za-z0-9._~+/=-]{8,8192}$/;

export const NO_TOKENS: ZoomTokens = { zak: null, joinToken: null, obf: [] };

export function hasTokens(t: ZoomTokens): boolean {
  return t.zak !== null || t.joinToken !== null || t.obf.length > 0;
}

/** Every token the body's URLs give, fetched together. */
export async function fetchZoomTokens(auth: ZoomAuthSpec, o: TokenFetchOptions): Promise<ZoomTokens> {
  const [zak, joinToken, obf, callback] = await Promise.all([
    auth.zak_url ? fetchPlainToken('zoom.zak_url', auth.zak_url, o) : null,
    auth.join_token_url ? fetchPlainToken('zoom.join_token_url', auth.join_token_url, o) : null,
    auth.obf_token_url ? fetchPlainToken('zoom.obf_token_url', auth.obf_token_url, o) : null,
    auth.tokens_callback_url ? fetchCallbackTokens(auth.tokens_callback_url, o) : NO_TOKENS,
  ]);
  return { zak: zak ?? callback.zak, joinToken: joinToken ?? callback.joinToken, obf: obf ? [obf] : callback.obf };
}

/** One GET answered with a token as plain text; null for a 404 (no token for this bot). */
export async function fetchPlainToken(field: string, url: string, o: TokenFetchOptions): Promise<string | null> {
  const text = await call(field, url, 'GET', null, o);
  if (text === null) return null;
  return token(field, text.trim(), o);
}

async function fetchCallbackTokens(url: string, o: TokenFetchOptions): Promise<ZoomTokens> {
  const field = 'callback_settings.zoom_tokens_url';
  const body = JSON.stringify({ bot_id: o.bot.id, bot_metadata: o.bot.metadata, callback_type: 'zoom_tokens', meeting_url: o.bot.meetingUrl });
  const text = await call(field, url, 'POST', body, o);
  if (text === null) return NO_TOKENS;
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new ZoomTokenError(field, 'answered something that is not JSON');
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new ZoomTokenError(field, 'answered JSON that is not an object');
  const fields = answer as Record<string, unknown>;
  const read = (name: string): string | null => {
    const value = fields[name];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') throw new ZoomTokenError(field, `its ${name} is not a string`);
    return value.trim();
  };
  const one = (name: string) => {
    const value = read(name);
    return value === null ? null : token(`${field} ${name}`, value, o);
  };
  const obf = (read('onbehalf_token') ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  return { zak: one('zak_token'), joinToken: one('join_token') ?? one('app_privilege_token'), obf: obf.map((t) => token(`${field} onbehalf_token`, t, o)) };
}

/** A token is learnt (redacted from then on) as soon as it is known to be one; what is not one is never quoted. */
function token(field: string, text: string, o: TokenFetchOptions): string {
  if (!TOKEN.test(text)) throw new ZoomTokenError(field, `answered something that is not a token (${text.length} characters)`);
  o.learn(text);
  return text;
}

/** The answer's text for a 2xx, null for a 404; anything else fails. */
async function call(field: string, url: string, method: 'GET' | 'POST', body: string | null, o: TokenFetchOptions): Promise<string | null> {
  const headers: Record<string, string> = { accept: method === 'GET' ? 'text/plain' : 'application/json' };
  if (body !== null) {
    const id = newWebhookId();
    const timestamp = Math.floor(Date.now() / 1000);
    Object.assign(headers, { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp) });
    if (o.webhookKey) headers['webhook-signature'] = signWebhook(o.webhookKey, id, timestamp, body);
  }
  try {
    const res = await requestOutgoing({
      url,
      method,
      headers,
      ...(body !== null ? { body } : {}),
      allowLoopback: o.allowLoopback,
      timeoutMs: o.timeoutMs ?? TOKEN_TIMEOUT_MS,
      maxBytes: MAX_BYTES,
      maxRedirects: MAX_REDIRECTS,
    });
    if (res.status === 404) return null;
    if (res.status < 200 || res.status >= 300) throw new ZoomTokenError(field, `answered HTTP ${res.status}`);
    return res.body;
  } catch (err) {
    if (err instanceof OutgoingRequestError) throw new ZoomTokenError(field, err.message);
    throw err;
  }
}
