import { DEFAULT_REQUEST_TIMEOUT_MS, parseWebhookSecret, postWebhook, RECALL_BACKOFF_MS } from '../events/statusWebhook.js';
import { redactUrl } from '../util/redactUrl.js';
import type { Logger } from '../util/log.js';
import { PollingPass } from '../util/pollingPass.js';
import type { Db } from './db/db.js';

interface Due {
  id: string;
  url: string;
  secret: string | null;
  body: string;
  attempts: number;
}

export interface WebhookSenderOptions {
  backoffMs?: readonly number[];
  requestTimeoutMs?: number;
  /** How often the outbox is looked at when nothing wakes the sender. */
  pollMs?: number;
  fetchImpl?: typeof fetch;
}

/**
 * Sends the status webhooks the store queued (webhook_deliveries), from the database: a restart of the service
 * picks up where it stopped, and each message keeps its id (the receiver's idempotency key) across retries.
 * Per bot and endpoint only the oldest pending message is in flight, so retries never reorder a bot's events.
 * A claimed message is leased for the request's timeout: a service that dies mid-request retries it after that.
 */
export class WebhookSender {
  private readonly backoff: readonly number[];
  private readonly timeoutMs: number;
  private readonly passes: PollingPass;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: WebhookSenderOptions = {},
  ) {
    this.backoff = opts.backoffMs ?? RECALL_BACKOFF_MS;
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.passes = new PollingPass(() => this.sendDue(), opts.pollMs ?? 1000, log, 'webhook sender round');
  }

  start(): void {
    this.wake();
  }

  /** Something was queued: look now rather than at the next poll. */
  wake(): void {
    this.passes.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.passes.stop();
  }

  private async sendDue(): Promise<void> {
    for (;;) {
      const due = await this.claim();
      if (due.length === 0) return;
      await Promise.all(due.map((d) => this.send(d)));
    }
  }

  private claim(): Promise<Due[]> {
    const leaseSec = Math.ceil(this.timeoutMs / 1000) + 5;
    return this.db.tx((tx) =>
      tx.query<Due>(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $1), updated_at = now()
          WHERE id IN (
            SELECT d.id FROM webhook_deliveries d
             WHERE d.status = 'pending' AND d.next_attempt_at <= now()
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                WHERE e.bot_id = d.bot_id AND e.url = d.url AND e.status = 'pending' AND e.event_id < d.event_id)
             ORDER BY d.event_id LIMIT 20 FOR UPDATE SKIP LOCKED)
          RETURNING id, url, secret, body, attempts`,
        [leaseSec],
      ),
    );
  }

  private async send(d: Due): Promise<void> {
    let key: Buffer | null;
    try {
      key = d.secret ? parseWebhookSecret(d.secret) : null;
    } catch {
      await this.settle(d, 'gave_up', undefined, 'the webhook secret is not a whsec_ secret');
      return;
    }
    const outcome = await postWebhook({ url: d.url, id: d.id, body: d.body, key, timeoutMs: this.timeoutMs, signal: this.abort.signal, fetchImpl: this.opts.fetchImpl });
    if (this.stopped && !outcome.ok) return; // the lease expires and the next service retries it
    if (outcome.ok) return this.settle(d, 'delivered', outcome.http_status);
    const last = d.attempts >= this.backoff.length;
    this.log.warn(last ? 'webhook given up' : 'webhook attempt failed', { endpoint: redactUrl(d.url), webhook_id: d.id, attempts: d.attempts, http_status: outcome.http_status, error: outcome.error });
    if (last) return this.settle(d, 'gave_up', outcome.http_status, outcome.error);
    await this.db.query(
      `UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $2), http_status = $3, last_error = $4, updated_at = now() WHERE id = $1`,
      [d.id, this.backoff[d.attempts]! / 1000, outcome.http_status ?? null, outcome.error ?? null],
    );
  }

  private async settle(d: Due, status: 'delivered' | 'gave_up', httpStatus?: number, error?: string): Promise<void> {
    await this.db.query('UPDATE webhook_deliveries SET status = $2, http_status = $3, last_error = $4, updated_at = now() WHERE id = $1', [d.id, status, httpStatus ?? null, error ?? null]);
  }
}
