import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { botMessage, CONTROL_PROTOCOL_VERSION, parseFrame, type BotMessage, type ServiceMessage } from '../control/protocol.js';
import type { Logger } from '../util/log.js';
import type { Db } from './db/db.js';
import { sameSecret } from './ids.js';
import { completeCommand, markCommandSent, openCommands } from './store/commands.js';
import { controlTokenHash } from './store/bots.js';
import { lastBotSeq } from './store/events.js';

const CHANNEL_PATH = /^\/internal\/bots\/([0-9a-f-]{36})\/channel$/i;

/** What the service does with what a bot reports: stores it (idempotently) before the bot is told it is stored. */
export interface ChannelHandlers {
  event(botId: string, seq: number, event: Record<string, unknown> & { event: string; created_at: string }): Promise<void>;
  manifest(botId: string, seq: number, manifest: Record<string, unknown>): Promise<void>;
  /** A signed-in bot's rotated session, for the login group it was given (stored, or refused and logged: either way acknowledged). */
  credential(botId: string, seq: number, credential: Record<string, unknown>): Promise<void>;
  /** A bot connected (first time or again after a restart of either side). */
  connected?(botId: string): void;
}

/**
 * The service's end of the bots' command channel (control/protocol.ts). A bot proves itself with its own token;
 * its reports are stored in order and acknowledged; its open commands are sent on every connect and whenever
 * one is queued (`notify`). One connection per bot: a new one replaces the old.
 */
export class ChannelServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  private readonly sockets = new Map<string, WebSocket>();
  /** Reports of one bot are handled one after another: the ack must follow the store, in seq order. */
  private readonly queues = new Map<string, Promise<void>>();
  /**
   * Connections whose report could not be stored: what they sent after it is dropped, so a later seq is never
   * stored past a gap (the welcome's last_seq would then skip the lost one). The bot resends from the gap.
   */
  private readonly failed = new WeakSet<WebSocket>();

  constructor(
    private readonly db: Db,
    private readonly handlers: ChannelHandlers,
    private readonly log: Logger,
  ) {}

  /** For the HTTP server's `upgrade` event: true when the request was a bot channel's (answered or refused). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const match = CHANNEL_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match) return false;
    const botId = match[1]!.toLowerCase();
    // The bot may hang up while its token is checked: a write to a closed socket must not become an uncaught error.
    socket.on('error', () => undefined);
    void this.authorize(botId, req.headers.authorization).then(
      (ok) => {
        if (!ok) return refuse(socket, 401);
        this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(botId, ws));
      },
      (err: unknown) => {
        this.log.error('channel upgrade failed', { bot_id: botId, error: String(err) });
        refuse(socket, 500);
      },
    );
    return true;
  }

  isConnected(botId: string): boolean {
    return this.sockets.has(botId);
  }

  /** Sends the bot's open commands now, if it is connected (they are sent on its next connect otherwise). */
  async notify(botId: string): Promise<void> {
    const ws = this.sockets.get(botId);
    if (ws) await this.sendOpenCommands(botId, ws);
  }

  /** Drops a bot's connection (its run is over). */
  disconnect(botId: string): void {
    this.sockets.get(botId)?.close(1000, 'bot ended');
    this.sockets.delete(botId);
  }

  async close(): Promise<void> {
    for (const ws of this.sockets.values()) ws.terminate();
    this.sockets.clear();
    await Promise.allSettled(this.queues.values());
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async authorize(botId: string, header: string | undefined): Promise<boolean> {
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    if (!token) return false;
    const hash = await controlTokenHash(this.db, botId);
    return hash !== null && sameSecret(token, hash);
  }

  private async accept(botId: string, ws: WebSocket): Promise<void> {
    this.sockets.get(botId)?.terminate();
    this.sockets.set(botId, ws);
    ws.on('message', (data: RawData) => this.received(botId, ws, data));
    ws.on('close', () => {
      if (this.sockets.get(botId) === ws) this.sockets.delete(botId);
    });
    ws.on('error', (err) => this.log.warn('channel error', { bot_id: botId, error: err.message }));
    try {
      send(ws, { type: 'welcome', version: CONTROL_PROTOCOL_VERSION, last_seq: await lastBotSeq(this.db, botId) });
      await this.sendOpenCommands(botId, ws);
      this.handlers.connected?.(botId);
    } catch (err) {
      this.log.error('channel welcome failed', { bot_id: botId, error: String(err) });
      ws.terminate();
    }
  }

  private received(botId: string, ws: WebSocket, data: RawData): void {
    const msg = parseFrame(botMessage, rawText(data));
    if (!msg) {
      this.log.warn('dropped a malformed channel frame', { bot_id: botId });
      return;
    }
    const previous = this.queues.get(botId) ?? Promise.resolve();
    const next = previous
      .then(() => (this.failed.has(ws) ? undefined : this.handle(botId, ws, msg)))
      .catch((err: unknown) => {
        // Not acknowledged: the bot keeps the item and sends it again on its next connect.
        this.log.error('could not store a bot report', { bot_id: botId, error: String(err) });
        this.failed.add(ws);
        ws.terminate();
      });
    this.queues.set(botId, next);
  }

  private async handle(botId: string, ws: WebSocket, msg: BotMessage): Promise<void> {
    switch (msg.type) {
      case 'event':
        await this.handlers.event(botId, msg.seq, msg.event);
        return send(ws, { type: 'ack', seq: msg.seq });
      case 'manifest':
        await this.handlers.manifest(botId, msg.seq, msg.manifest);
        return send(ws, { type: 'ack', seq: msg.seq });
      case 'credential':
        await this.handlers.credential(botId, msg.seq, msg.credential);
        return send(ws, { type: 'ack', seq: msg.seq });
      case 'command_result':
        return completeCommand(this.db, botId, msg.command_id, msg.ok, msg.error ?? null);
    }
  }

  private async sendOpenCommands(botId: string, ws: WebSocket): Promise<void> {
    for (const c of await openCommands(this.db, botId)) {
      send(ws, { type: 'command', command_id: c.id, command: c.payload });
      await markCommandSent(this.db, c.id);
    }
  }
}

function send(ws: WebSocket, msg: ServiceMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function refuse(socket: Duplex, status: 401 | 500): void {
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Internal Server Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
