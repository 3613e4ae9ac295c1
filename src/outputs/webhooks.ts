import type { WebhookEndpoint } from '../config/botSpec.js';
import { nowIso, type BotEvent, type DeliveryStatus } from '../events/botEvents.js';
import type { EventLog } from '../events/eventLog.js';
import type { Logger } from '../util/log.js';
import { redactUrl } from '../util/redactUrl.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  newWebhookId,
  parseWebhookSecret,
  postWebhook,
  RECALL_BACKOFF_MS,
  webhookBodyOf,
  type AttemptOutcome,
} from '../events/statusWebhook.js';

export interface WebhookDispatcherOptions {
  endpoints: WebhookEndpoint[];
  /** "whsec_<base64>"; null sends unsigned requests (webhook-id and webhook-timestamp are still sent). */
  secret: string | null;
  botId: string;
  metadata: Record<string, string>;
  eventLog: EventLog;
  log: Logger;
  backoffMs?: readonly number[];
  requestTimeoutMs?: number;
  fetchImpl?: typeof fetch;
}

interface Message {
  id: string;
  event: string;
  body: string;
  attempts: number;
  /** Set once the message had its one early attempt at flush time (see `nextWait`). */
  lastChance: boolean;
}

/** One endpoint's ordered queue: only the head is ever in flight, so retries never reorder events. */
interface Queue {
  url: string;
  /** The URL without its query, for logs and events. */
  shownUrl: string;
  messages: Message[];
  running: boolean;
  /** Wakes a pending retry wait early (flush). */
  wake: (() => void) | null;
  /** Aborts the request in flight (flush deadline). */
  abort: AbortController;
}

/**
 * Sends every status event (and the recording's outcome) to the bot's webhook endpoints as Recall's v1.11
 * envelope, signed the Standard Webhooks way. `handle` only queues: delivery runs beside the bot and never blocks or slows it.
 */
export class WebhookDispatcher {
  private readonly queues: Queue[];
  private readonly key: Buffer | null;
  private readonly backoff: readonly number[];
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly log: Logger;
  /** Set by `flush`: retries are bounded by this time (ms since epoch). */
  private deadline: number | null = null;
  private closed = false;
  private flushing: Promise<void> | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: WebhookDispatcherOptions) {
    this.key = opts.secret === null ? null : parseWebhookSecret(opts.secret);
    this.backoff = opts.backoffMs ?? RECALL_BACKOFF_MS;
    if (this.backoff.length === 0) throw new Error('webhooks: backoffMs needs at least one entry');
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.fetchImpl = opts.fetchImpl ?? fetch;
    this.log = opts.log.child('webhooks');
    this.queues = opts.endpoints
      .filter((e) => e.triggers.includes('*') || e.triggers.includes('bot.state_change'))
      .map((e) => ({
        url: e.url,
        shownUrl: redactUrl(e.url),
        messages: [],
        running: false,
        wake: null,
        abort: new AbortController(),
      }));
  }

  /**
   * Queues a status event, or a recording's `recording.done` / `recording.failed`, for every subscribed endpoint;
   * other events are not webhooks here. Never throws.
   */
  handle(event: BotEvent): void {
    if (this.queues.length === 0) return;
    const body = webhookBodyOf(event, { id: this.opts.botId, metadata: this.opts.metadata });
    if (body === null) return;
    const id = newWebhookId();
    for (const q of this.queues) {
      const m: Message = { id, event: event.event, body, attempts: 0, lastChance: false };
      if (this.closed) {
        this.record(q, m, 'undelivered');
        continue;
      }
      q.messages.push(m);
      void this.pump(q);
    }
  }

  /**
   * Waits, at most `timeoutMs`, for queued deliveries at the end of the bot's life. A retry due after that
   * time gets one early attempt instead. What is still undelivered at the end is recorded as such; the
   * dispatcher is closed afterwards.
   */
  flush(timeoutMs: number): Promise<void> {
    // Idempotent: a second caller waits for the same end.
    this.flushing ??= this.drain(timeoutMs);
    return this.flushing;
  }

  private async drain(timeoutMs: number): Promise<void> {
    this.deadline = Date.now() + timeoutMs;
    for (const q of this.queues) q.wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.closed = true;
    for (const q of this.queues) {
      q.abort.abort();
      q.wake?.();
    }
    await this.idle();
    for (const q of this.queues) {
      for (const m of q.messages.splice(0)) this.record(q, m, 'undelivered');
    }
  }

  private idle(): Promise<void> {
    if (this.queues.every((q) => !q.running)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(q: Queue): Promise<void> {
    if (q.running) return;
    q.running = true;
    try {
      while (q.messages.length > 0 && !this.closed) {
        const m = q.messages[0]!;
        const done = await this.deliver(q, m);
        if (!done) break; // flushing and no attempt fits before the deadline: flush records the rest
        q.messages.shift();
      }
    } catch (err) {
      // Never expected; an unhandled rejection here would take the whole bot down.
      this.log.error('webhook queue stopped', { endpoint: q.shownUrl, error: String(err) });
    } finally {
      q.running = false;
      if (this.queues.every((x) => !x.running)) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Tries one message until delivered or given up (true), or until the bot's end stops it (false). */
  private async deliver(q: Queue, m: Message): Promise<boolean> {
    while (m.attempts < this.backoff.length) {
      const waitMs = this.backoff[m.attempts]!;
      const wakeAt = Date.now() + waitMs;
      if (!(await this.waitUntil(q, m, wakeAt))) return false;
      const outcome = await this.attempt(q, m);
      if (outcome.ok) {
        this.record(q, m, 'delivered', outcome.http_status);
        return true;
      }
      if (this.closed) return false; // cut off by flush's deadline: recorded as undelivered there
      const last = m.attempts >= this.backoff.length;
      this.record(q, m, last ? 'gave_up' : 'failed_attempt', outcome.http_status, outcome.error);
      this.log.warn(last ? 'webhook given up' : 'webhook attempt failed', {
        endpoint: q.shownUrl,
        webhook_id: m.id,
        event: m.event,
        attempts: m.attempts,
        ...(outcome.http_status !== undefined ? { http_status: outcome.http_status } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
      });
    }
    return true;
  }

  /**
   * Waits until `wakeAt`, re-deciding when flush starts. While flushing, a wait that would end after the
   * deadline is cut short once per message (a last attempt before the bot ends); a second one stops.
   */
  private async waitUntil(q: Queue, m: Message, wakeAt: number): Promise<boolean> {
    for (;;) {
      if (this.closed) return false;
      const t = Date.now();
      if (t >= wakeAt) return true;
      if (this.deadline !== null && wakeAt > this.deadline) {
        if (m.lastChance) return false;
        m.lastChance = true;
        return true;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          q.wake = null;
          resolve();
        }, wakeAt - t);
        // Retries never keep the process alive on their own; the bot's end goes through flush.
        timer.unref();
        q.wake = () => {
          clearTimeout(timer);
          q.wake = null;
          resolve();
        };
      });
    }
  }

  private attempt(q: Queue, m: Message): Promise<AttemptOutcome> {
    m.attempts++;
    return postWebhook({ url: q.url, id: m.id, body: m.body, key: this.key, timeoutMs: this.timeoutMs, signal: q.abort.signal, fetchImpl: this.fetchImpl });
  }

  private record(q: Queue, m: Message, status: DeliveryStatus, http_status?: number, error?: string): void {
    this.opts.eventLog.record({
      event: 'webhook.delivery',
      created_at: nowIso(),
      webhook_id: m.id,
      bot_event: m.event,
      endpoint: q.shownUrl,
      status,
      attempts: m.attempts,
      ...(http_status !== undefined ? { http_status } : {}),
      ...(error ? { error } : {}),
    });
  }
}
