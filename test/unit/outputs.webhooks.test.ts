import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../src/events/eventLog.js';
import type { StatusEvent } from '../../src/lifecycle/machine.js';
import { WebhookDispatcher } from '../../src/outputs/webhooks.js';
import { RECALL_BACKOFF_MS } from '../../src/events/statusWebhook.js';
import { createLogger, type Logger } from '../../src/util/log.js';
import { WebhookReceiver, waitFor } from '../helpers/receivers.js';

// A real Standard Webhooks secret shape; its decoded bytes and base64 part must never show up anywhere.
const SECRET_B64 = Buffer.from('meetbot-test-signing-key-0123456789').toString('base64');
const SECRET = `whsec_${SECRET_B64}`;
const TOKEN = 'tok_supersecret42';

let dir: string;
let eventsFile: string;
let logFile: string;
let eventLog: EventLog;
let log: Logger;
let receivers: WebhookReceiver[];
let dispatchers: WebhookDispatcher[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meetbot-webhooks-'));
  eventsFile = join(dir, 'events.jsonl');
  logFile = join(dir, 'bot.log');
  eventLog = new EventLog({ stdout: false });
  eventLog.attachFile(eventsFile);
  // No redaction configured on purpose: the dispatcher itself must keep secrets out.
  log = createLogger({ minLevel: 'debug', stderr: false, file: logFile });
  receivers = [];
  dispatchers = [];
});

afterEach(async () => {
  for (const d of dispatchers) await d.flush(0);
  for (const r of receivers) await r.down();
  rmSync(dir, { recursive: true, force: true });
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start();
  receivers.push(r);
  return r;
}

function dispatcher(
  endpoints: { url: string; triggers: string[] }[],
  extra: { backoffMs?: number[]; requestTimeoutMs?: number; secret?: string | null } = {},
): WebhookDispatcher {
  const d = new WebhookDispatcher({
    endpoints,
    secret: extra.secret === undefined ? SECRET : extra.secret,
    botId: 'bot-123',
    metadata: { customer: 'acme' },
    eventLog,
    log,
    ...(extra.backoffMs ? { backoffMs: extra.backoffMs } : {}),
    ...(extra.requestTimeoutMs ? { requestTimeoutMs: extra.requestTimeoutMs } : {}),
  });
  dispatchers.push(d);
  return d;
}

function status(code: StatusEvent['code'], sub_code: StatusEvent['sub_code'] = null, secondsIn = 0): StatusEvent {
  return {
    event: `bot.${code}`,
    code,
    sub_code,
    created_at: new Date(Date.UTC(2026, 0, 1, 12, 0, secondsIn)).toISOString(),
  };
}

const LIFE: StatusEvent[] = [
  status('joining_call', null, 0),
  status('in_waiting_room', null, 1),
  status('in_call_not_recording', null, 2),
  status('in_call_recording', 'recording_started', 3),
  status('call_ended', 'timeout_exceeded_everyone_left', 4),
  status('done', null, 5),
];

function deliveryRecords(): Record<string, unknown>[] {
  if (!existsSync(eventsFile)) return [];
  return readFileSync(eventsFile, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.event === 'webhook.delivery');
}

describe('WebhookDispatcher', () => {
  it('sends every status event as a signed Recall v1.11 envelope that standardwebhooks verifies', async () => {
    const r = await receiver();
    const d = dispatcher([{ url: r.url('/hook', `?token=${TOKEN}`), triggers: ['*'] }]);
    for (const e of LIFE) d.handle(e);
    await d.flush(5_000);

    expect(r.requests).toHaveLength(LIFE.length);
    const wh = new Webhook(SECRET);
    r.requests.forEach((req, i) => {
      const e = LIFE[i]!;
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(wh.verify(req.body, req.headers)).toEqual({
        event: e.event,
        data: {
          data: { code: e.code, sub_code: e.sub_code, updated_at: e.created_at },
          bot: { id: 'bot-123', metadata: { customer: 'acme' } },
        },
      });
    });
    expect(new Set(r.requests.map((q) => q.headers['webhook-id'])).size).toBe(LIFE.length);
    // A tampered body or another secret is refused: the signature really covers id, timestamp and body.
    const first = r.requests[0]!;
    expect(() => wh.verify(first.body.replace('joining_call', 'done'), first.headers)).toThrow();
    const other = new Webhook(`whsec_${Buffer.from('another-key-another-key!!').toString('base64')}`);
    expect(() => other.verify(first.body, first.headers)).toThrow();
  });

  it('sends status events and the recording’s outcome only, and only to endpoints subscribed to state changes', async () => {
    const all = await receiver();
    const attendee = await receiver();
    const chatOnly = await receiver();
    const d = dispatcher([
      { url: all.url(), triggers: ['*'] },
      { url: attendee.url(), triggers: ['bot.state_change', 'chat_messages.update'] },
      { url: chatOnly.url(), triggers: ['chat_messages.update'] },
    ]);
    d.handle(status('joining_call'));
    d.handle({ event: 'bot.warning', created_at: new Date().toISOString(), kind: 'chat_not_sent', message: 'not sent' });
    d.handle({ event: 'participant_events.join', created_at: new Date().toISOString(), participant: { id: 'ann', name: 'Ann' } });
    const health = { duration_sec: 1, wall_clock_sec: 3, gaps: [], audio: { silence_share: 1, speaking_sec: 0, silent_while_speaking_sec: 0 }, video: null };
    d.handle({ event: 'recording.failed', created_at: '2026-01-01T10:00:00.000Z', sub_code: 'recording_empty', reason: 'short', file: 'recording.m4a', health });
    d.handle(status('fatal'));
    await d.flush(5_000);

    const events = (r: WebhookReceiver) => r.requests.map((q) => (JSON.parse(q.body) as { event: string }).event);
    expect(events(all)).toEqual(['bot.joining_call', 'recording.failed', 'bot.fatal']);
    expect(events(attendee)).toEqual(['bot.joining_call', 'recording.failed', 'bot.fatal']);
    // Recall's recording envelope: the recording's status in data.data, the recording (the bot's id) with its health.
    expect(JSON.parse(all.requests[1]!.body)).toEqual({
      event: 'recording.failed',
      data: {
        data: { code: 'failed', sub_code: 'recording_empty', updated_at: '2026-01-01T10:00:00.000Z' },
        recording: { id: expect.any(String), metadata: {}, health },
        bot: { id: expect.any(String), metadata: expect.any(Object) },
      },
    });
    expect(chatOnly.requests).toHaveLength(0);
    // One message, one id, whichever endpoint gets it.
    expect(all.requests.map((q) => q.headers['webhook-id'])).toEqual(
      attendee.requests.map((q) => q.headers['webhook-id']),
    );
  });

  it('delivers every event in order, exactly once, to a receiver that is down for a while then up', async () => {
    const r = await receiver();
    const url = r.url('/hook', `?token=${TOKEN}`);
    await r.down();
    const d = dispatcher([{ url, triggers: ['*'] }], { backoffMs: [0, 50, 100, 200, 200, 200, 200, 200, 200] });
    const t0 = performance.now();
    for (const e of LIFE) d.handle(e);
    // handle only queues: it returns at once even though nothing can be delivered.
    expect(performance.now() - t0).toBeLessThan(50);
    await waitFor('failed attempts recorded', () => deliveryRecords().filter((x) => x.status === 'failed_attempt').length >= 2);
    await r.up();
    await waitFor('all delivered', () => r.delivered.length === LIFE.length);
    await d.flush(5_000);

    const wh = new Webhook(SECRET);
    expect(r.requests.map((q) => (wh.verify(q.body, q.headers) as { event: string }).event)).toEqual(
      LIFE.map((e) => e.event),
    );
    const recs = deliveryRecords();
    const failed = recs.filter((x) => x.status === 'failed_attempt');
    const delivered = recs.filter((x) => x.status === 'delivered');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed.every((x) => x.error === 'ECONNREFUSED')).toBe(true);
    // The first event needed several attempts; each event delivered exactly once, with the id it was sent with.
    expect(delivered.map((x) => x.bot_event)).toEqual(LIFE.map((e) => e.event));
    expect(delivered.map((x) => x.webhook_id)).toEqual(r.requests.map((q) => q.headers['webhook-id']));
    expect(delivered[0]!.attempts).toBe(failed.filter((x) => x.webhook_id === delivered[0]!.webhook_id).length + 1);
    for (const x of recs) {
      expect(x.endpoint).toBe(r.url('/hook'));
      expect(typeof x.created_at).toBe('string');
    }
    expect(delivered.every((x) => x.http_status === 200)).toBe(true);
  });

  it('retries a failing answer with the same webhook-id, signed anew, and keeps later events behind it', async () => {
    const r = await receiver();
    r.reply = (n) => (n < 2 ? 503 : 204);
    const d = dispatcher([{ url: r.url(), triggers: ['*'] }], { backoffMs: [0, 20, 20, 20] });
    d.handle(LIFE[0]!);
    d.handle(LIFE[1]!);
    await d.flush(5_000);

    expect(r.requests.map((q) => q.status)).toEqual([503, 503, 204, 204]);
    const ids = r.requests.map((q) => q.headers['webhook-id']);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[0]);
    const wh = new Webhook(SECRET);
    for (const q of r.requests) expect(() => wh.verify(q.body, q.headers)).not.toThrow();
    expect(deliveryRecords().map((x) => [x.status, x.attempts, x.http_status])).toEqual([
      ['failed_attempt', 1, 503],
      ['failed_attempt', 2, 503],
      ['delivered', 3, 204],
      ['delivered', 1, 204],
    ]);
  });

  it('gives up after the last scheduled attempt and moves on to the next event', async () => {
    const r = await receiver();
    r.reply = (n) => (n < 3 ? 500 : 200);
    const d = dispatcher([{ url: r.url(), triggers: ['*'] }], { backoffMs: [0, 10, 10] });
    d.handle(LIFE[0]!);
    d.handle(LIFE[1]!);
    await d.flush(5_000);

    expect(deliveryRecords().map((x) => [x.bot_event, x.status, x.attempts])).toEqual([
      ['bot.joining_call', 'failed_attempt', 1],
      ['bot.joining_call', 'failed_attempt', 2],
      ['bot.joining_call', 'gave_up', 3],
      ['bot.in_waiting_room', 'delivered', 1],
    ]);
  });

  it('times out a receiver that never answers and counts it as a failed attempt', async () => {
    const r = await receiver();
    r.reply = (n) => (n === 0 ? 'hang' : 200);
    const d = dispatcher([{ url: r.url(), triggers: ['*'] }], { backoffMs: [0, 10], requestTimeoutMs: 200 });
    d.handle(LIFE[0]!);
    await d.flush(5_000);
    expect(deliveryRecords().map((x) => [x.status, x.error ?? null])).toEqual([
      ['failed_attempt', 'timeout'],
      ['delivered', null],
    ]);
  });

  it('flush is bounded: a retry due after the bot ends gets one last attempt, then the rest is recorded undelivered', async () => {
    const r = await receiver();
    r.reply = () => 503;
    // The default schedule: the second attempt would be 5 s later, the third 5 min later.
    const d = dispatcher([{ url: r.url('/hook', `?token=${TOKEN}`), triggers: ['*'] }], { backoffMs: [...RECALL_BACKOFF_MS] });
    d.handle(LIFE[0]!);
    d.handle(LIFE[1]!);
    await waitFor('first attempt', () => r.requests.length === 1);
    const t0 = performance.now();
    await d.flush(1_000);
    expect(performance.now() - t0).toBeLessThan(3_000);

    // One early "last chance" attempt instead of waiting 5 s; nothing more before the deadline.
    expect(r.requests).toHaveLength(2);
    expect(deliveryRecords().map((x) => [x.bot_event, x.status, x.attempts])).toEqual([
      ['bot.joining_call', 'failed_attempt', 1],
      ['bot.joining_call', 'failed_attempt', 2],
      ['bot.joining_call', 'undelivered', 2],
      ['bot.in_waiting_room', 'undelivered', 0],
    ]);
    // After flush the dispatcher is closed: a late event is recorded undelivered, never sent.
    d.handle(LIFE[2]!);
    expect(deliveryRecords().at(-1)).toMatchObject({ bot_event: 'bot.in_call_not_recording', status: 'undelivered' });
    expect(r.requests).toHaveLength(2);
  });

  it('flush cuts off a request still in flight at its deadline and records it undelivered', async () => {
    const r = await receiver();
    r.reply = () => 'hang';
    const d = dispatcher([{ url: r.url(), triggers: ['*'] }], { requestTimeoutMs: 60_000 });
    d.handle(LIFE[0]!);
    await waitFor('request arrives', () => r.requests.length === 1);
    const t0 = performance.now();
    await d.flush(200);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(deliveryRecords().map((x) => [x.status, x.attempts])).toEqual([['undelivered', 1]]);
  });

  it('keeps the secret and the URL query out of events.jsonl and the log, even when deliveries fail', async () => {
    const r = await receiver();
    r.reply = (n) => (n === 0 ? 500 : 200);
    const dead = await receiver();
    const deadUrl = dead.url('/dead', `?token=${TOKEN}&sig=${SECRET_B64}`);
    await dead.down();
    const d = dispatcher(
      [
        { url: r.url('/hook', `?token=${TOKEN}`), triggers: ['*'] },
        { url: deadUrl, triggers: ['*'] },
      ],
      { backoffMs: [0, 10, 10] },
    );
    for (const e of LIFE) d.handle(e);
    await d.flush(5_000);

    const events = readFileSync(eventsFile, 'utf8');
    const logs = readFileSync(logFile, 'utf8');
    // The check would be meaningless if nothing had been written about these endpoints.
    expect(events).toContain('"status":"gave_up"');
    expect(events).toContain(dead.url('/dead'));
    expect(logs).toContain('webhook given up');
    for (const text of [events, logs]) {
      expect(text).not.toContain(SECRET_B64);
      expect(text).not.toContain('meetbot-test-signing-key');
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('?');
    }
  });

  it('refuses a malformed secret with a clear error, and sends unsigned (but identified) requests without one', async () => {
    expect(() => dispatcher([], { secret: 'whsec_not base64!' })).toThrow(/webhook secret/);
    const r = await receiver();
    const d = dispatcher([{ url: r.url(), triggers: ['*'] }], { secret: null });
    d.handle(LIFE[0]!);
    await d.flush(5_000);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]!.headers['webhook-id']).toMatch(/^msg_/);
    expect(r.requests[0]!.headers['webhook-signature']).toBeUndefined();
  });
});
