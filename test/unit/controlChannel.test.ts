import { parseCredential } from '../../src/account/credential.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlChannel, type CommandOutcome, type ControlChannelOptions } from '../../src/control/channel.js';
import type { BotCommand } from '../../src/control/protocol.js';
import type { BotEvent } from '../../src/events/botEvents.js';
import type { Logger } from '../../src/util/log.js';
import { FakeControlService } from '../helpers/fakeControlService.js';

// The bot's end of the command channel against a real ws server standing in for the service: what reaches
// the service, in which order, after drops, restarts and garbage, and what the bot does with commands.

const TOKEN = 'tok-0123456789';
const opened: { channel: ControlChannel; service: FakeControlService }[] = [];

afterEach(async () => {
  for (const { channel, service } of opened.splice(0)) {
    channel.close();
    await service.stop();
  }
});

function captureLog(): { log: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const log: Logger = {
    debug: (msg) => lines.push({ level: 'debug', msg }),
    info: (msg) => lines.push({ level: 'info', msg }),
    warn: (msg) => lines.push({ level: 'warn', msg }),
    error: (msg) => lines.push({ level: 'error', msg }),
    child: () => log,
  };
  return { log, lines };
}

async function connect(opts: Partial<ControlChannelOptions> = {}, setup: (s: FakeControlService) => void = () => undefined) {
  const service = await FakeControlService.start();
  setup(service);
  const { log, lines } = captureLog();
  const commands: BotCommand[] = [];
  const channel = new ControlChannel({
    url: service.url,
    token: TOKEN,
    log,
    onCommand: async (c) => {
      commands.push(c);
      return { ok: true };
    },
    ...opts,
  });
  opened.push({ channel, service });
  return { service, channel, lines, commands };
}

function joined(n: number): BotEvent {
  return { event: 'participant_events.join', created_at: new Date().toISOString(), participant: { id: `p${n}`, name: `Person ${n}` } };
}

/** The seqs the bot sent on one connection, in order. */
function seqsOn(service: FakeControlService, connection: number): number[] {
  return service.received.flatMap((f) => (f.connection === connection && f.type !== 'command_result' ? [f.seq] : []));
}

describe('ControlChannel', () => {
  it('connects with the bot token, and reports each event and then the manifest, numbered from 1, redacted', async () => {
    const { service, channel } = await connect({ redact: (text) => text.replaceAll('Person 2', '[redacted]') });
    // Reported before any connection exists: kept, and sent once the service has welcomed the bot.
    channel.report(joined(1));
    channel.report(joined(2));
    channel.reportManifest({ manifest_version: 2, final: { code: 'done' } });
    await service.waitFor(() => service.stored.size === 3, 5000, 'three items');
    expect(service.authorizations).toEqual([`Bearer ${TOKEN}`]);
    expect([...service.stored.values()].map((f) => [f.seq, f.type])).toEqual([
      [1, 'event'],
      [2, 'event'],
      [3, 'manifest'],
    ]);
    expect(service.storedEvents.map((e) => e.participant)).toEqual([
      { id: 'p1', name: 'Person 1' },
      { id: 'p2', name: '[redacted]' },
    ]);
    expect(await channel.flush(2000)).toBe(true);
    expect(service.invalid).toEqual([]);
  });

  it('holds the final status until the manifest: the service hears `done` once the media is there (Recall: "shut down, media uploaded")', async () => {
    const { service, channel } = await connect();
    const status = (code: 'call_ended' | 'done', at = new Date().toISOString()): BotEvent => ({ event: `bot.${code}`, code, sub_code: null, created_at: at });
    channel.report(status('call_ended'));
    channel.report(status('done'));
    channel.report(joined(1));
    await service.waitFor(() => service.stored.size === 2, 5000, 'the events before the final status');
    await new Promise((r) => setTimeout(r, 200));
    expect(service.storedEvents.map((e) => e.event)).toEqual(['bot.call_ended', 'participant_events.join']);
    channel.reportManifest({ manifest_version: 2, final: { code: 'done' } });
    expect(await channel.flush(2000)).toBe(true);
    expect([...service.stored.values()].map((f) => (f.type === 'event' ? f.event.event : f.type))).toEqual(['bot.call_ended', 'participant_events.join', 'manifest', 'bot.done']);
  });

  it('sends a rotated session as it is (its cookies are secrets of the redaction everything else goes through), kept until stored', async () => {
    const cookie = 'session-cookie-value-0123456789';
    const { service, channel } = await connect({ redact: (text) => text.replaceAll(cookie, '[redacted]') });
    const credential = parseCredential(
      { platform: 'google_meet', storage_state: { cookies: [{ name: 'SID', value: cookie, domain: '.google.com', path: '/', expires: -1, httpOnly: true, secure: true, sameSite: 'Lax' }], origins: [] } },
      'test',
    );
    channel.report(joined(1));
    channel.reportCredential(credential);
    expect(await channel.flush(2000)).toBe(true);
    const frames = [...service.stored.values()];
    expect(frames.map((f) => [f.seq, f.type])).toEqual([
      [1, 'event'],
      [2, 'credential'],
    ]);
    expect(frames[1]).toMatchObject({ credential: { storage_state: { cookies: [{ value: cookie }] } } });
  });

  it('sends a held final status at the flush when no manifest came (the summary files could not be written)', async () => {
    const { service, channel } = await connect();
    channel.report({ event: 'bot.fatal', code: 'fatal', sub_code: 'bot_errored', created_at: new Date().toISOString() });
    expect(await channel.flush(2000)).toBe(true);
    expect(service.storedEvents.map((e) => e.event)).toEqual(['bot.fatal']);
  });

  it('after a reconnect, resends what follows the welcome’s last_seq and nothing before it', async () => {
    const { service, channel } = await connect();
    service.acking = false;
    for (const n of [1, 2, 3]) channel.report(joined(n));
    await service.waitFor(() => service.stored.size === 3, 5000, 'three events');
    // The service comes back having kept only 1 and 2 (it went down before seq 3 was stored).
    service.welcomeSeq = () => 2;
    service.dropConnections();
    await service.waitFor(() => seqsOn(service, 2).includes(3), 5000, 'seq 3 again');
    channel.report(joined(4));
    await service.waitFor(() => seqsOn(service, 2).includes(4), 5000, 'seq 4');
    expect(seqsOn(service, 1)).toEqual([1, 2, 3]);
    expect(seqsOn(service, 2)).toEqual([3, 4]);
  });

  it('forgets what a cumulative ack covers: only the rest is kept and sent again', async () => {
    const { service, channel } = await connect();
    service.acking = false;
    for (const n of [1, 2, 3]) channel.report(joined(n));
    await service.waitFor(() => service.stored.size === 3, 5000, 'three events');
    service.send({ type: 'ack', seq: 2 });
    expect(await channel.flush(300)).toBe(false);
    // A welcome that claims nothing is stored: the bot can only resend what it kept, seq 3.
    service.welcomeSeq = () => 0;
    service.dropConnections();
    await service.waitFor(() => seqsOn(service, 2).includes(3), 5000, 'seq 3 again');
    expect(seqsOn(service, 2)).toEqual([3]);
    const flushed = channel.flush(5000);
    service.send({ type: 'ack', seq: 3 });
    expect(await flushed).toBe(true);
  });

  it('carries out a command once however often the service sends it, and answers every time', async () => {
    let chats = 0;
    const { service } = await connect({
      onCommand: async (c): Promise<CommandOutcome> => {
        if (c.kind !== 'send_chat_message') return { ok: true };
        chats++;
        await new Promise((r) => setTimeout(r, 200));
        return { ok: false, error: 'the bot is not in the call yet' };
      },
    });
    await service.waitFor(() => service.connections === 1, 5000, 'the connection');
    const chat: BotCommand = { kind: 'send_chat_message', text: 'hello' };
    service.command('c-1', chat);
    service.command('c-1', chat); // again while it is still being carried out
    await service.waitFor(() => service.results.length === 2, 5000, 'two answers');
    service.dropConnections();
    await service.waitFor(() => service.connections === 2, 5000, 'the reconnect');
    service.command('c-1', chat); // again after the reconnect, as the service does for an unanswered command
    await service.waitFor(() => service.results.length === 3, 5000, 'the third answer');
    expect(chats).toBe(1);
    expect(service.results.map(({ connection, ...r }) => r)).toEqual(
      Array(3).fill({ type: 'command_result', command_id: 'c-1', ok: false, error: 'the bot is not in the call yet' }),
    );
    expect(service.results.map((r) => r.connection)).toEqual([1, 1, 2]);
  });

  it('answers a command whose handler throws with ok: false and its message', async () => {
    const { service } = await connect({
      onCommand: () => Promise.reject(new Error('send the chat message did not finish within 30000 ms')),
    });
    await service.waitFor(() => service.connections === 1, 5000, 'the connection');
    service.command('c-9', { kind: 'send_chat_message', text: 'x' });
    await service.waitFor(() => service.results.length === 1, 5000, 'the answer');
    expect(service.results[0]).toMatchObject({ command_id: 'c-9', ok: false, error: 'send the chat message did not finish within 30000 ms' });
  });

  it('drops frames that are not messages of the protocol, one log line each, and stays connected', async () => {
    const { service, lines, commands } = await connect();
    await service.waitFor(() => service.connections === 1, 5000, 'the connection');
    service.send('not json {');
    service.send({ type: 'ack' });
    service.send({ type: 'ack', seq: 1, extra: true });
    service.send({ type: 'command', command_id: 'c-2', command: { kind: 'dance' } });
    service.send(Buffer.from([0xff, 0x00, 0x01]));
    service.command('c-3', { kind: 'leave' });
    await service.waitFor(() => service.results.length === 1, 5000, 'the answer to the good command');
    expect(lines.filter((l) => l.level === 'warn' && l.msg.includes('not a message of the protocol'))).toHaveLength(5);
    expect(commands).toEqual([{ kind: 'leave' }]);
    expect(service.connections).toBe(1);
  });

  it('flush resolves once everything is acknowledged, and at the deadline when the service is gone', async () => {
    const { service, channel } = await connect();
    service.acking = false;
    channel.report(joined(1));
    await service.waitFor(() => service.stored.size === 1, 5000, 'the event');
    const flushed = channel.flush(10_000);
    const before = Date.now();
    service.send({ type: 'ack', seq: 1 });
    expect(await flushed).toBe(true);
    expect(Date.now() - before).toBeLessThan(2000);

    await service.stop();
    channel.report(joined(2));
    const started = Date.now();
    expect(await channel.flush(300)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reconnects to a service restarted on the same port and sends what it reported meanwhile', async () => {
    const { service, channel, lines } = await connect({ firstRetryMs: 50, maxRetryMs: 400 });
    channel.report(joined(1));
    await service.waitFor(() => service.stored.size === 1, 5000, 'the first event');
    await service.stop();
    channel.report(joined(2));
    channel.report(joined(3));
    await new Promise((r) => setTimeout(r, 800)); // a few attempts find nothing listening
    await service.restart();
    await service.waitFor(() => service.stored.size === 3, 10_000, 'the events reported while it was down');
    expect(seqsOn(service, 2)).toEqual([2, 3]);
    expect(await channel.flush(2000)).toBe(true);
    // Lost once, then one line for the failed attempts, not one per attempt.
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'control: connection to the service lost; reconnecting',
      'control: cannot reach the service; retrying',
    ]);
  });

  it('sends nothing before a welcome, and drops a connection that never gives one', async () => {
    const { service, channel } = await connect({ heartbeatMs: 300 }, (s) => (s.welcoming = false));
    await service.waitFor(() => service.connections === 1, 5000, 'the connection');
    await new Promise((r) => setTimeout(r, 50)); // open on the bot's side too
    channel.report(joined(1));
    await service.waitFor(() => service.connections >= 2, 5000, 'a second connection');
    expect(service.received).toEqual([]);
    service.welcoming = true;
    await service.waitFor(() => service.stored.size === 1, 5000, 'the event after a welcome');
  });

  it('never throws into the bot: an unusable URL is logged and reporting goes on quietly', async () => {
    const { log, lines } = captureLog();
    const channel = new ControlChannel({ url: 'ftp://127.0.0.1/x', token: TOKEN, log, onCommand: async () => ({ ok: true }) });
    channel.report(joined(1));
    expect(await channel.flush(50)).toBe(false);
    channel.close();
    expect(lines.some((l) => l.level === 'error' && l.msg.includes('not a usable websocket URL'))).toBe(true);
  });
});
