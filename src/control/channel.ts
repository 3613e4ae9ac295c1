import WebSocket, { type RawData } from 'ws';
import { isStatusEvent, type BotEvent } from '../events/botEvents.js';
import { isTerminal } from '../lifecycle/transitions.js';
import type { Logger } from '../util/log.js';
import type { AccountCredential } from '../account/credential.js';
import { noRedaction, type Redact } from '../util/redact.js';
import { CONTROL_PROTOCOL_VERSION, parseFrame, serviceMessage, type BotCommand, type BotMessage, type ServiceMessage } from './protocol.js';

/** What a command came to: `ok` once carried out, or why it could not be. */
export type CommandOutcome = { ok: true } | { ok: false; error: string };

export interface ControlChannelOptions {
  /** The service's ws(s) URL of this bot's channel. */
  url: string;
  /** This bot's token, sent as `Authorization: Bearer <token>` on the upgrade only. */
  token: string;
  /** Carries out a command; its outcome is the answer (a rejection is answered as `ok: false`). */
  onCommand: (command: BotCommand) => Promise<CommandOutcome>;
  log: Logger;
  /** Applied to every frame sent, so the service gets what stdout shows and no secret. */
  redact?: Redact;
  /** First reconnect delay; it doubles after each failed attempt up to maxRetryMs. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** A connection that has not welcomed the bot, or not answered a ping, within this long is dropped. */
  heartbeatMs?: number;
}

type Reported =
  | { type: 'event'; seq: number; event: BotEvent }
  | { type: 'manifest'; seq: number; manifest: object }
  | { type: 'credential'; seq: number; credential: AccountCredential };

const HANDSHAKE_TIMEOUT_MS = 5000;
const CLOSE_GRACE_MS = 1000;

/**
 * The bot's end of the command channel (protocol.ts). It connects out to the service and keeps doing so for
 * the bot's whole life (the service may restart while a bot records), with a backoff. Everything reported is
 * numbered and kept until acknowledged; each welcome says what the service has, and the rest is sent again.
 * Commands are remembered by id: one the service sends again is carried out once and answered again.
 *
 * It never throws into the bot and never makes it wait: reporting only queues, and a service that cannot be
 * reached costs the bot nothing but the kept items (the same objects the event log holds).
 */
export class ControlChannel {
  private seq = 0;
  /** Reported and not yet acknowledged, in seq order. */
  private unacked: Reported[] = [];
  /** The final status, until the manifest (or a flush without one) lets it go. */
  private heldFinal: BotEvent | null = null;
  /** Answers that found no open connection: sent after the next welcome. */
  private unsentResults: BotMessage[] = [];
  private readonly commands = new Map<string, Promise<CommandOutcome>>();
  private ws: WebSocket | null = null;
  /** Sending waits for the welcome: only it says where the service stands. */
  private welcomed = false;
  private closed = false;
  private retryMs: number;
  private failedAttempts = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private drainWaiters: ((drained: boolean) => void)[] = [];
  private readonly shownUrl: string;
  private readonly redact: Redact;

  constructor(private readonly opts: ControlChannelOptions) {
    this.retryMs = opts.firstRetryMs ?? 250;
    this.redact = opts.redact ?? noRedaction;
    this.shownUrl = shownUrl(opts.url);
    this.connect();
  }

  /**
   * The final status (`done`, `fatal`) waits for the manifest: at that status the service makes the recording
   * downloadable, and only the manifest says where it is (Recall's `done`: "shut down, media uploaded").
   */
  report(event: BotEvent): void {
    if (isStatusEvent(event) && isTerminal(event.code)) this.heldFinal = event;
    else this.enqueue({ type: 'event', seq: ++this.seq, event });
  }

  /** The run's manifest.json, once written (after the last status event), then the final status it covers. */
  reportManifest(manifest: object): void {
    this.enqueue({ type: 'manifest', seq: ++this.seq, manifest });
    this.releaseFinal();
  }

  /** A signed-in bot's rotated session: kept and resent like an event until the service has stored it. */
  reportCredential(credential: AccountCredential): void {
    this.enqueue({ type: 'credential', seq: ++this.seq, credential });
  }

  /**
   * Resolves true once everything reported is acknowledged and every answer sent, or false at the deadline:
   * the bot's last events must reach the service before the process exits, but never hold it past its limit.
   */
  flush(deadlineMs: number): Promise<boolean> {
    this.releaseFinal();
    if (this.drained) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (drained: boolean) => {
        clearTimeout(timer);
        this.drainWaiters = this.drainWaiters.filter((w) => w !== waiter);
        resolve(drained);
      };
      const timer = setTimeout(() => {
        this.opts.log.warn('control: the service did not acknowledge everything in time', { unacknowledged: this.unacked.length, after_ms: deadlineMs });
        waiter(false);
      }, deadlineMs);
      this.drainWaiters.push(waiter);
    });
  }

  /** Stops for good: no more reconnects; the open connection (if any) is closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const w of [...this.drainWaiters]) w(this.drained);
    const ws = this.ws;
    if (!ws) return;
    ws.close(1000, 'bot finished');
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private get drained(): boolean {
    return this.unacked.length === 0 && this.unsentResults.length === 0;
  }

  private releaseFinal(): void {
    const event = this.heldFinal;
    this.heldFinal = null;
    if (event) this.enqueue({ type: 'event', seq: ++this.seq, event });
  }

  private enqueue(item: Reported): void {
    if (this.closed) return;
    this.unacked.push(item);
    if (this.welcomed) this.send(item);
  }

  private connect(): void {
    this.retryTimer = null;
    if (this.closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url, {
        headers: { authorization: `Bearer ${this.opts.token}` },
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
        perMessageDeflate: false,
      });
    } catch (err) {
      // The CLI checks the URL; one that still cannot be used never gets better.
      this.opts.log.error('control: not a usable websocket URL; the service will not hear from this bot', { url: this.shownUrl, error: String(err) });
      return;
    }
    this.ws = ws;
    let answered = true;
    let heartbeat: NodeJS.Timeout | null = null;
    let failure: string | undefined;
    ws.on('open', () => {
      // A dead peer that never closed (a lost host, a dropped NAT entry) shows only by its silence.
      heartbeat = setInterval(() => {
        if (!this.welcomed || !answered) return ws.terminate();
        answered = false;
        ws.ping();
      }, this.opts.heartbeatMs ?? 10_000).unref();
    });
    ws.on('pong', () => (answered = true));
    ws.on('message', (data, isBinary) => {
      answered = true;
      this.onFrame(data, isBinary);
    });
    // Always followed by 'close', where the connection is retried.
    ws.on('error', (err) => {
      failure = err.message;
      this.opts.log.debug('control: websocket error', { error: failure });
    });
    ws.on('close', (code) => {
      if (heartbeat) clearInterval(heartbeat);
      this.onClose(ws, code, failure);
    });
  }

  private onClose(ws: WebSocket, code: number, error: string | undefined): void {
    if (this.ws !== ws) return;
    this.ws = null;
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    if (this.closed) return;
    if (wasWelcomed) this.opts.log.warn('control: connection to the service lost; reconnecting', { code, error, unacknowledged: this.unacked.length });
    // Once per outage: a service down for an hour is one line, and the first reason (refused, 401, ...) says why.
    else if (this.failedAttempts++ === 0) this.opts.log.warn('control: cannot reach the service; retrying', { url: this.shownUrl, code, error });
    // Jittered, so the bots of a restarted service do not all knock at once.
    const delay = this.retryMs * (0.75 + Math.random() * 0.5);
    this.retryMs = Math.min(this.retryMs * 2, this.opts.maxRetryMs ?? 5000);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const text = isBinary ? null : rawText(data);
    const msg = text === null ? null : parseFrame<ServiceMessage>(serviceMessage, text);
    if (!msg) {
      this.opts.log.warn('control: dropped a frame that is not a message of the protocol', { frame: (text ?? '(binary)').slice(0, 200) });
      return;
    }
    if (msg.type === 'welcome') this.onWelcome(msg.version, msg.last_seq);
    else if (msg.type === 'ack') this.acknowledge(msg.seq);
    else this.onCommand(msg.command_id, msg.command);
  }

  private onWelcome(version: number, lastSeq: number): void {
    if (version !== CONTROL_PROTOCOL_VERSION) this.opts.log.warn('control: the service speaks another protocol version', { version, ours: CONTROL_PROTOCOL_VERSION });
    if (lastSeq > this.seq) this.opts.log.warn('control: the service has stored more than this run reported', { last_seq: lastSeq, reported: this.seq });
    this.welcomed = true;
    this.retryMs = this.opts.firstRetryMs ?? 250;
    this.failedAttempts = 0;
    this.opts.log.info('control: connected to the service', { url: this.shownUrl, last_seq: lastSeq, reported: this.seq });
    this.acknowledge(lastSeq);
    for (const item of this.unacked) this.send(item);
    const answers = this.unsentResults;
    this.unsentResults = [];
    for (const answer of answers) this.send(answer);
    this.wakeIfDrained();
  }

  /** Acks are cumulative: everything up to `seq` is stored. */
  private acknowledge(seq: number): void {
    const firstKept = this.unacked.findIndex((item) => item.seq > seq);
    this.unacked = firstKept < 0 ? [] : this.unacked.slice(firstKept);
    this.wakeIfDrained();
  }

  private onCommand(commandId: string, command: BotCommand): void {
    let outcome = this.commands.get(commandId);
    if (outcome) this.opts.log.info('control: command received again; answering again', { command_id: commandId, kind: command.kind });
    else {
      this.opts.log.info('control: command received', { command_id: commandId, kind: command.kind });
      outcome = this.carryOut(command);
      this.commands.set(commandId, outcome);
    }
    void outcome.then((o) => this.answer({ type: 'command_result', command_id: commandId, ...o }));
  }

  private async carryOut(command: BotCommand): Promise<CommandOutcome> {
    try {
      return await this.opts.onCommand(command);
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private answer(result: BotMessage): void {
    if (this.closed) return;
    if (this.welcomed) this.send(result);
    else this.unsentResults.push(result);
  }

  private send(msg: Reported | BotMessage): void {
    try {
      // The credential is the one frame that must arrive as it is: its cookies are secrets of the redaction.
      const text = JSON.stringify(msg);
      this.ws?.send(msg.type === 'credential' ? text : this.redact(text));
    } catch (err) {
      // A socket closing under the send: the item stays kept (or the command is asked again) after the next welcome.
      this.opts.log.debug('control: send failed', { error: String(err) });
    }
  }

  private wakeIfDrained(): void {
    if (this.drained) for (const w of [...this.drainWaiters]) w(true);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

/** The URL as logs show it: no query or credentials, should an operator have put a secret there. */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
