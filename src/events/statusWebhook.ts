import { createHmac, randomUUID } from 'node:crypto';
import type { StatusEvent } from '../lifecycle/machine.js';
import { isStatusEvent, type LoggedEvent, type RecordingOutcomeEvent } from './botEvents.js';

/**
 * A status webhook as Recall sends it (bot-api.md 8.1, 8.2): the v1.11 envelope, signed the Standard Webhooks
 * way, posted with Recall's retry schedule. Both senders use this: the bot itself (`outputs/webhooks.ts`) and
 * the service, which sends from its records (`service/webhookSender.ts`).
 */

/** Delay before each attempt, in ms: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RECALL_BACKOFF_MS: readonly number[] = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];
/** Recall asks receivers to answer within 15 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export function statusWebhookBody(event: Pick<StatusEvent, 'event' | 'code' | 'sub_code' | 'created_at'>, bot: { id: string; metadata: Record<string, string> }): string {
  return JSON.stringify({
    event: event.event,
    data: { data: { code: event.code, sub_code: event.sub_code, updated_at: event.created_at }, bot },
  });
}

/**
 * Recall's `recording.done` / `recording.failed` (bot-api.md 8.1: `data: {data: {code, sub_code, updated_at},
 * recording: {id, metadata}, bot}`); the bot's one recording has the bot's id, as the API lists it, and carries
 * its health report.
 */
export function recordingWebhookBody(event: RecordingOutcomeEvent, bot: { id: string; metadata: Record<string, string> }): string {
  return JSON.stringify({
    event: event.event,
    data: {
      data: { code: event.event === 'recording.done' ? 'done' : 'failed', sub_code: event.sub_code, updated_at: event.created_at },
      recording: { id: bot.id, metadata: {}, health: event.health },
      bot,
    },
  });
}

/** The webhook body of an event, or null for events that are not sent as webhooks (participants, chat, warnings, ...). */
export function webhookBodyOf(event: LoggedEvent, bot: { id: string; metadata: Record<string, string> }): string | null {
  if (isStatusEvent(event)) return statusWebhookBody(event, bot);
  if (event.event === 'recording.done' || event.event === 'recording.failed') return recordingWebhookBody(event, bot);
  return null;
}

/** One id per message, shared by its endpoints and its retries: the receiver's idempotency key. */
export function newWebhookId(): string {
  return `msg_${randomUUID().replace(/-/g, '')}`;
}

/** The key inside a `whsec_<base64>` secret; throws a one-line error for anything else. */
export function parseWebhookSecret(secret: string): Buffer {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    throw new Error('webhook secret: must be "whsec_" followed by base64');
  }
  return Buffer.from(b64, 'base64');
}

/** HMAC-SHA256 over `"{id}.{timestamp}.{body}"`, as `v1,<base64 digest>`. */
export function signWebhook(key: Buffer, id: string, timestampSec: number, body: string): string {
  const digest = createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64');
  return `v1,${digest}`;
}

export interface WebhookAttempt {
  url: string;
  id: string;
  body: string;
  /** Signs the request when set; unsigned requests still carry webhook-id and webhook-timestamp. */
  key: Buffer | null;
  timeoutMs: number;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

export interface AttemptOutcome {
  ok: boolean;
  http_status?: number;
  error?: string;
}

/** One POST of a webhook; never throws. Signed anew each attempt: receivers reject stale timestamps. */
export async function postWebhook(a: WebhookAttempt): Promise<AttemptOutcome> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'meetbot',
    'webhook-id': a.id,
    'webhook-timestamp': String(timestamp),
  };
  if (a.key) headers['webhook-signature'] = signWebhook(a.key, a.id, timestamp, a.body);
  const timeout = AbortSignal.timeout(a.timeoutMs);
  try {
    const res = await (a.fetchImpl ?? fetch)(a.url, {
      method: 'POST',
      headers,
      body: a.body,
      // A redirect is not a delivery, and following one could send the payload somewhere unintended.
      redirect: 'manual',
      signal: a.signal ? AbortSignal.any([a.signal, timeout]) : timeout,
    });
    await res.body?.cancel().catch(() => {});
    return { ok: res.status >= 200 && res.status < 300, http_status: res.status };
  } catch (err) {
    return { ok: false, error: describeFetchError(err) };
  }
}

/** A short cause (`ECONNREFUSED`, `timeout`): error messages can quote the URL, query included. */
function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timeout';
    if (err.name === 'AbortError') return 'aborted';
    const cause = (err as { cause?: { code?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code;
    return err.name;
  }
  return 'error';
}
