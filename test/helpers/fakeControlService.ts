import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { botMessage, channelPath, CONTROL_PROTOCOL_VERSION, parseFrame, type BotCommand, type BotMessage } from '../../src/control/protocol.js';

/** A frame as the service got it, with the connection (1, 2, ...) it came on. */
export type Received = BotMessage & { connection: number };
export type ReportedFrame = Extract<Received, { type: 'event' | 'manifest' | 'credential' }>;
export type ResultFrame = Extract<Received, { type: 'command_result' }>;

/**
 * The service's end of the command channel as a test needs it: a real ws server that stores what a bot reports
 * by seq (once each, however often it arrives), acknowledges it, sends commands, and can drop its connections or
 * stop and start again on the same port with its store intact, as a restarted service would.
 */
export class FakeControlService {
  readonly botId = 'bot-under-test';
  /** What the service keeps: each seq once. */
  readonly stored = new Map<number, ReportedFrame>();
  /** Every frame of the protocol, duplicates included, in arrival order. */
  readonly received: Received[] = [];
  /** Frames that were not messages of the protocol. */
  readonly invalid: string[] = [];
  /** The Authorization header of each upgrade. */
  readonly authorizations: (string | undefined)[] = [];
  /** Acknowledge what is stored (off: the service stores but stays silent). */
  acking = true;
  /** Send a welcome on connect (off: a service that accepts the socket and never speaks). */
  welcoming = true;
  /** What the welcome claims is stored (default: the highest seq stored without a hole). */
  welcomeSeq: (() => number) | null = null;
  connections = 0;
  private server: WebSocketServer | null = null;
  private readonly sockets = new Set<WebSocket>();
  private waiters: (() => void)[] = [];

  private constructor(private port: number) {}

  static async start(port = 0): Promise<FakeControlService> {
    const service = new FakeControlService(port);
    await service.listen();
    return service;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}${channelPath(this.botId)}`;
  }

  /** The highest seq stored with nothing missing below it. */
  get lastSeq(): number {
    let seq = 0;
    while (this.stored.has(seq + 1)) seq++;
    return seq;
  }

  get results(): ResultFrame[] {
    return this.received.filter((f): f is ResultFrame => f.type === 'command_result');
  }

  get storedEvents(): Record<string, unknown>[] {
    return [...this.stored.values()].sort((a, b) => a.seq - b.seq).flatMap((f) => (f.type === 'event' ? [f.event] : []));
  }

  /** Sends a frame (a message, or raw text / bytes as they are) on every open connection. */
  send(frame: object | string | Buffer): void {
    const data = typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    for (const ws of this.sockets) ws.send(data);
  }

  command(commandId: string, command: BotCommand): void {
    this.send({ type: 'command', command_id: commandId, command });
  }

  /** Cuts every connection; the server keeps listening. */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }

  /** The service goes away: connections cut, nothing listening on the port. */
  async stop(): Promise<void> {
    this.dropConnections();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Back on the same port, with what it had stored. */
  async restart(): Promise<void> {
    await this.listen();
  }

  /** Resolves once `pred` holds; rejects after `timeoutMs` naming `what`. */
  async waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stored seqs: ${[...this.stored.keys()].join(',')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async listen(): Promise<void> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: this.port });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    server.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const connection = ++this.connections;
    this.authorizations.push(req.headers.authorization);
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      const text = (data as Buffer).toString('utf8');
      const msg = parseFrame(botMessage, text);
      if (!msg) this.invalid.push(text);
      else this.onMessage(ws, { ...msg, connection });
      this.wake();
    });
    if (this.welcoming) ws.send(JSON.stringify({ type: 'welcome', version: CONTROL_PROTOCOL_VERSION, last_seq: this.welcomeSeq?.() ?? this.lastSeq }));
    this.wake();
  }

  private onMessage(ws: WebSocket, msg: Received): void {
    this.received.push(msg);
    if (msg.type === 'command_result') return;
    if (!this.stored.has(msg.seq)) this.stored.set(msg.seq, msg);
    if (this.acking && this.lastSeq > 0) ws.send(JSON.stringify({ type: 'ack', seq: this.lastSeq }));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
