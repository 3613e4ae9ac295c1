import WebSocket from 'ws';
import type { Logger } from '../util/log.js';

export interface ReconnectPolicy {
  /** Reconnect attempts after each loss of the connection (or a failed first connect). */
  attempts: number;
  delayMs: number;
}

export interface RealtimeConnectionOptions {
  url: string;
  /** The URL without its query (tokens live there): the only form that reaches logs and stats. */
  shownUrl: string;
  reconnect: ReconnectPolicy;
  maxBufferedBytes: number;
  log: Logger;
  WebSocketImpl: typeof WebSocket;
}

type State = 'connecting' | 'open' | 'waiting' | 'failed' | 'closed';

/** How long `close` waits for the receiver's close frame before cutting the socket. */
const CLOSE_GRACE_MS = 2_000;

/**
 * One realtime websocket endpoint. `send` never blocks and never grows memory past `maxBufferedBytes`: frames
 * wait in the socket's buffer (or, while connecting, in a small queue) up to that bound, and frames over it
 * are dropped and counted. A lost connection is retried `reconnect.attempts` times, `reconnect.delayMs`
 * apart, then the endpoint is failed for the rest of the bot's life (Recall: 30 tries, 3 s apart).
 */
export class RealtimeConnection {
  sent = 0;
  dropped = 0;
  /** Successful connections after the first attempt (after a loss or a failed first connect). */
  reconnects = 0;
  private state: State = 'connecting';
  private ws: WebSocket | null = null;
  private retriesLeft: number;
  private connectAttempts = 0;
  private timer: NodeJS.Timeout | null = null;
  private pending: string[] = [];
  private pendingBytes = 0;
  private droppedInRun = 0;
  private closedWaiters: (() => void)[] = [];

  constructor(private readonly opts: RealtimeConnectionOptions) {
    this.retriesLeft = opts.reconnect.attempts;
    this.connect();
  }

  get failed(): boolean {
    return this.state === 'failed';
  }

  /** True when a frame would be thrown away anyway: callers skip building it. */
  get refusing(): boolean {
    return this.state === 'failed' || this.state === 'closed';
  }

  send(frame: string): void {
    const bytes = Buffer.byteLength(frame);
    const ws = this.ws;
    if (this.state === 'open' && ws && ws.readyState === WebSocket.OPEN) {
      // bufferedAmount = bytes the socket has not yet handed to the kernel: a slow or paused receiver shows here.
      if (ws.bufferedAmount + bytes > this.opts.maxBufferedBytes) return this.drop(1);
      ws.send(frame);
      this.sent++;
      this.caughtUp();
    } else if (this.state === 'connecting' || this.state === 'waiting') {
      if (this.pendingBytes + bytes > this.opts.maxBufferedBytes) return this.drop(1);
      this.pending.push(frame);
      this.pendingBytes += bytes;
    } else {
      this.drop(1);
    }
  }

  /** Counts a frame that was never offered (the endpoint refuses). */
  drop(n: number): void {
    if (n <= 0) return;
    if (this.droppedInRun === 0 && this.state !== 'failed' && this.state !== 'closed') {
      this.opts.log.warn('realtime receiver too slow or unreachable; dropping frames', {
        endpoint: this.opts.shownUrl,
        max_buffered_bytes: this.opts.maxBufferedBytes,
      });
    }
    this.dropped += n;
    this.droppedInRun += n;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.drop(this.discardPending());
    const ws = this.ws;
    if (!ws) return;
    const closed = new Promise<void>((resolve) => this.closedWaiters.push(resolve));
    ws.close(1000, 'bot leaving');
    const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }

  private connect(): void {
    this.state = 'connecting';
    this.connectAttempts++;
    let ws: WebSocket;
    try {
      // No compression: audio is most of the traffic and deflating it costs CPU the bot needs.
      ws = new this.opts.WebSocketImpl(this.opts.url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    } catch {
      // An unusable URL never gets better: fail at once. (The error text quotes the URL, query included.)
      this.state = 'failed';
      this.opts.log.error('realtime endpoint failed: not a usable websocket URL', { endpoint: this.opts.shownUrl });
      return;
    }
    this.ws = ws;
    ws.on('open', () => this.onOpen());
    ws.on('error', (err) => {
      // Always followed by 'close'; handled there. ws error messages never contain the query.
      this.opts.log.debug('realtime websocket error', { endpoint: this.opts.shownUrl, error: err.message });
    });
    ws.on('close', (code) => this.onClose(ws, code));
  }

  private onOpen(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.retriesLeft = this.opts.reconnect.attempts;
    if (this.connectAttempts > 1) {
      this.reconnects++;
      this.opts.log.info('realtime endpoint reconnected', { endpoint: this.opts.shownUrl });
    }
    const queued = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const frame of queued) this.send(frame);
  }

  private onClose(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.state === 'closed') {
      for (const w of this.closedWaiters.splice(0)) w();
      return;
    }
    if (this.state === 'open') {
      this.opts.log.warn('realtime endpoint disconnected', { endpoint: this.opts.shownUrl, code });
    }
    if (this.retriesLeft <= 0) {
      this.state = 'failed';
      this.drop(this.discardPending());
      this.opts.log.error('realtime endpoint failed: no more reconnect attempts', {
        endpoint: this.opts.shownUrl,
        attempts: this.opts.reconnect.attempts,
      });
      return;
    }
    this.retriesLeft--;
    this.state = 'waiting';
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, this.opts.reconnect.delayMs);
  }

  private caughtUp(): void {
    if (this.droppedInRun === 0) return;
    this.opts.log.info('realtime receiver caught up', { endpoint: this.opts.shownUrl, dropped: this.droppedInRun });
    this.droppedInRun = 0;
  }

  private discardPending(): number {
    const n = this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
    return n;
  }
}
