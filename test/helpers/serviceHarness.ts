import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, onTestFinished, TestRunner } from 'vitest';
import { ControlChannel, type CommandOutcome } from '../../src/control/channel.js';
import type { BotCommand } from '../../src/control/protocol.js';
import type { BotEvent } from '../../src/events/botEvents.js';
import type { BotExit, LaunchedBot, Launcher, LaunchRequest } from '../../src/service/launcher/launcher.js';
import { startService, type RunningService, type ServiceOptions } from '../../src/service/service.js';
import { createApiKey, ensureProject } from '../../src/service/store/projects.js';
import { silentLogger, type Logger } from '../../src/util/log.js';
import type { DbPlace } from './databases.js';

/**
 * A bot as the fake launcher starts it: it speaks the real command channel (src/control/channel.ts) to the
 * service, and the test says what it reports and how it answers commands.
 */
export class FakeBot {
  readonly commands: BotCommand[] = [];
  channel: ControlChannel | null = null;
  answer: (c: BotCommand) => CommandOutcome = () => ({ ok: true });
  private exit!: (e: BotExit) => void;
  readonly exited = new Promise<BotExit>((r) => (this.exit = r));

  constructor(
    readonly request: LaunchRequest,
    readonly outDir: string,
  ) {}

  connect(): void {
    this.channel = new ControlChannel({
      url: this.request.controlUrl,
      token: this.request.controlToken,
      log: silentLogger,
      firstRetryMs: 50,
      maxRetryMs: 200,
      onCommand: async (c) => {
        this.commands.push(c);
        return this.answer(c);
      },
    });
  }

  status(code: string, sub_code: string | null = null): void {
    this.channel!.report({ event: `bot.${code}`, code, sub_code, created_at: new Date().toISOString() } as BotEvent);
  }

  report(event: Record<string, unknown>): void {
    this.channel!.report({ created_at: new Date().toISOString(), ...event } as unknown as BotEvent);
  }

  /** Answers a leave command the way a bot does: it reports its end (`bot_received_leave_call`) and exits. */
  leavesOnCommand(): void {
    this.answer = (c) => {
      if (c.kind === 'leave') {
        this.status('call_ended', 'bot_received_leave_call');
        this.status('done', 'bot_received_leave_call');
        void this.end();
      }
      return { ok: true };
    };
  }

  async end(code = 0, neverStarted = false): Promise<void> {
    await this.channel?.flush(5000);
    this.channel?.close();
    this.exit({ code, signal: null, message: code === 0 ? null : 'meetbot: unexpected error: boom', neverStarted });
  }
}

/** Runs no process: each launch is a FakeBot the test drives. */
export class FakeLauncher implements Launcher {
  readonly name = 'fake';
  readonly bots: FakeBot[] = [];
  /** Launches that fail, in order, before launches work again. */
  failures: string[] = [];
  attempts = 0;
  /** Launches that never finish (the worker dies holding them), and how many were begun. */
  hang = false;
  hung = 0;
  private waiters: ((b: FakeBot) => void)[] = [];

  constructor(private readonly dir: string) {}

  async launch(request: LaunchRequest): Promise<LaunchedBot> {
    this.attempts++;
    if (this.hang) {
      this.hung++;
      return new Promise(() => undefined); // a worker that dies mid-launch never finishes it
    }
    const failure = this.failures.shift();
    if (failure) throw new Error(failure);
    const outDir = join(this.dir, request.botId);
    mkdirSync(outDir, { recursive: true });
    const bot = new FakeBot(request, outDir);
    this.bots.push(bot);
    for (const w of [...this.waiters]) w(bot);
    return { ref: `fake-${this.bots.length}`, outDir, exited: bot.exited };
  }

  async find(botId: string): Promise<LaunchedBot | null> {
    const bot = this.bots.find((b) => b.request.botId === botId);
    return bot ? { ref: 'found', outDir: bot.outDir, exited: bot.exited } : null;
  }

  readonly stopped: string[] = [];

  async close(): Promise<void> {}

  async stop(ref: string): Promise<void> {
    this.stopped.push(ref);
  }

  /** The bot launched for `botId` (bots are dispatched side by side: launches come in any order). */
  next(botId: string, timeoutMs = 10_000): Promise<FakeBot> {
    const have = this.bots.find((b) => b.request.botId === botId);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bot ${botId} was not launched`)), timeoutMs);
      const waiter = (b: FakeBot) => {
        if (b.request.botId !== botId) return;
        clearTimeout(timer);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(b);
      };
      this.waiters.push(waiter);
    });
  }
}

/** Polls `read` until `ok` says yes; the error names what was awaited and shows the last value. */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Receives webhooks: every request's headers and body, in arrival order. */
export class WebhookReceiver {
  readonly received: { headers: Record<string, string | string[] | undefined>; body: any }[] = [];
  status = 200;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  events(botId: string): string[] {
    return this.received.filter((r) => r.body.data.bot.id === botId).map((r) => r.body.event as string);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export interface Harness {
  service: RunningService;
  launcher: FakeLauncher;
  /** fetch against the service with a project's key. */
  api(key: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  key(project: string, settings?: Parameters<typeof ensureProject>[2]): Promise<string>;
  restart(): Promise<void>;
}

/** `meetbot serve` in this process on `place`, with a fake launcher; closed after the test that started it. */
export async function startHarness(place: DbPlace, extra: Partial<ServiceOptions> = {}, log: Logger = silentLogger): Promise<Harness> {
  const launcher = new FakeLauncher(join(place.dataDir, 'bots'));
  const options: ServiceOptions = {
    host: '127.0.0.1',
    port: 0,
    dataDir: place.dataDir,
    databaseUrl: place.databaseUrl,
    publicUrl: null,
    channelUrl: null,
    maxConcurrentBots: 10,
    loopbackPlatform: null,
    meetbotCommand: { command: 'false', args: [] },
    signingKey: null,
    launcher,
    webhooks: { backoffMs: [0, 200, 200], requestTimeoutMs: 2000, pollMs: 100 },
    queue: { retryLimit: 2, retryDelaySec: 1, expireInSeconds: 5, pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1 },
    ...extra,
  };
  const h: Harness = {
    service: await startService(options, log),
    launcher,
    async api(key, method, path, body) {
      const res = await fetch(`${h.service.url}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Token ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : body instanceof Uint8Array ? Uint8Array.from(body) : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async key(project, settings) {
      const p = await ensureProject(h.service.db, project, settings);
      return (await createApiKey(h.service.db, p.id)).key;
    },
    async restart() {
      await h.service.close();
      // The same port: the fake bots' channels reconnect to it.
      h.service = await startService({ ...options, port: Number(new URL(h.service.url).port) }, log);
    },
  };
  const close = async () => {
    for (const b of launcher.bots) b.channel?.close();
    await h.service.close();
  };
  // Gone with the test that started it, before its databases are dropped (onTestFinished runs newest first):
  // a service left running on a dropped database fails in the background and slows every later test.
  if (TestRunner.getCurrentTest()) onTestFinished(close);
  else afterAll(close);
  return h;
}
