import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Real receivers on loopback for output tests: an HTTP webhook receiver and a websocket receiver. Both can go
 * down and come back on the same port, like a customer's server restarting.
 */

export interface ReceivedRequest {
  body: string;
  headers: Record<string, string>;
  status: number;
}

/** What the webhook receiver answers to its n-th request (0-based): a status, or never answer. */
export type Reply = number | 'hang';

export class WebhookReceiver {
  /** Every request, whatever the answer. */
  readonly requests: ReceivedRequest[] = [];
  reply: (n: number, req: ReceivedRequest) => Reply = () => 200;
  private server: Server | null = null;
  private hanging: (() => void)[] = [];

  private constructor(private port: number) {}

  static async start(): Promise<WebhookReceiver> {
    const r = new WebhookReceiver(0);
    await r.up();
    return r;
  }

  /** Requests that were answered 2xx, in arrival order. */
  get delivered(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  url(path = '/hook', query = ''): string {
    return `http://127.0.0.1:${this.port}${path}${query}`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const rec: ReceivedRequest = { body, headers: flatHeaders(req), status: 0 };
        const reply = this.reply(this.requests.length, rec);
        this.requests.push(rec);
        if (reply === 'hang') {
          this.hanging.push(() => res.destroy());
          return;
        }
        rec.status = reply;
        res.writeHead(reply, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection: senders get ECONNREFUSED until `up`. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const h of this.hanging.splice(0)) h();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export class WsReceiver {
  readonly messages: string[] = [];
  readonly sockets: WebSocket[] = [];
  /** Close codes of connections the sender closed. */
  readonly closeCodes: number[] = [];
  connections = 0;
  private wss: WebSocketServer | null = null;

  private constructor(private port: number) {}

  static async start(): Promise<WsReceiver> {
    const r = new WsReceiver(0);
    await r.up();
    return r;
  }

  url(query = ''): string {
    return `ws://127.0.0.1:${this.port}/stream${query}`;
  }

  /** Parsed JSON messages. */
  json<T = any>(): T[] {
    return this.messages.map((m) => JSON.parse(m) as T);
  }

  async up(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port });
    await new Promise<void>((resolve, reject) => {
      wss.once('error', reject);
      wss.once('listening', () => resolve());
    });
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => {
      this.connections++;
      this.sockets.push(ws);
      ws.on('message', (data) => this.messages.push((Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Uint8Array)).toString('utf8')));
      ws.on('close', (code) => this.closeCodes.push(code));
    });
    this.wss = wss;
  }

  /** Stops reading (a stuck receiver): TCP fills up and the sender's buffer grows. */
  pause(): void {
    for (const s of this.sockets) s.pause();
  }

  resume(): void {
    for (const s of this.sockets) s.resume();
  }

  /** Stops listening and cuts every connection without a close handshake (a crashed receiver). */
  async down(): Promise<void> {
    const wss = this.wss;
    if (!wss) return;
    this.wss = null;
    for (const s of this.sockets.splice(0)) s.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}

export async function waitFor(what: string, pred: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
