import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BotSpec } from '../../src/config/botSpec.js';
import { parseBotConfigText } from '../../src/config/normalize.js';
import type { LoggedEvent } from '../../src/events/botEvents.js';
import type { MediaEnvironment } from '../../src/capture/mediaEnvironment.js';
import type { HealthAssessment } from '../../src/outputs/recordingHealth.js';
import type { AdapterContext, MeetingSnapshot, MeetingState, PlatformAdapter } from '../../src/platform/adapter.js';
import type { ExitReason } from '../../src/process/exitReason.js';
import type { RuntimeOptions } from '../../src/session/runtimeOptions.js';
import type { SessionBrowser, SessionDeps, SessionRecording } from '../../src/session/sessionDeps.js';
import type { BotRecordingOptions } from '../../src/session/botRecording.js';

/**
 * Fakes of everything a BotSession starts or drives, for unit tests of its phases and end paths: no display,
 * no browser, no ffmpeg. Each fake records what the session asked of it.
 */

/** What the fake page shows, in order: each probe takes the next state and the last one stays. */
export class FakeAdapter implements PlatformAdapter {
  readonly platform = 'google_meet' as const;
  readonly chatLimit = 500;
  readonly externalProtocols: readonly string[] = [];
  readonly joinInput = 'cdp' as const;
  readonly tiles = { tile: '.tile', name: [], self: null, speaking: null, screenshare: null };
  readonly calls: string[] = [];
  readonly chatSent: string[] = [];
  private readonly script: MeetingState[];
  /** Replaces join: a step that fails, hangs or takes time. */
  joinImpl: (ctx: AdapterContext) => Promise<void> = async () => undefined;
  /** Replaces probe once the script is consulted (e.g. a page that never answers). */
  probeImpl: ((ctx: AdapterContext) => Promise<MeetingSnapshot>) | null = null;
  afterAdmittedImpl: (ctx: AdapterContext) => Promise<void> = async () => undefined;
  /** Runs before every look at the page, e.g. to move a fake clock. */
  onProbe: () => void = () => undefined;
  participants: MeetingSnapshot['participants'] = [];

  constructor(...script: MeetingState[]) {
    this.script = script.length ? script : [{ phase: 'in_call' }];
  }

  async join(ctx: AdapterContext): Promise<void> {
    this.calls.push('join');
    await this.joinImpl(ctx);
  }

  async probe(ctx: AdapterContext): Promise<MeetingSnapshot> {
    this.calls.push('probe');
    this.onProbe();
    if (this.probeImpl) return this.probeImpl(ctx);
    const state = this.script.length > 1 ? this.script.shift()! : this.script[0]!;
    return { state, participants: state.phase === 'in_call' ? this.participants : null, chat: [] };
  }

  async maintain(): Promise<void> {
    this.calls.push('maintain');
  }

  async afterAdmitted(ctx: AdapterContext): Promise<void> {
    this.calls.push('afterAdmitted');
    await this.afterAdmittedImpl(ctx);
  }

  async sendChat(_ctx: AdapterContext, message: string): Promise<void> {
    this.calls.push('sendChat');
    this.chatSent.push(message);
  }

  async leave(): Promise<void> {
    this.calls.push('leave');
  }
}

export class FakeBrowser implements SessionBrowser {
  closed = 0;
  readonly navigations: string[] = [];
  private exit!: (r: ExitReason) => void;
  readonly exited = new Promise<ExitReason>((resolve) => (this.exit = resolve));
  private running = true;
  private readonly crashListeners: (() => void)[] = [];
  readonly page = {
    on: (event: string, listener: () => void) => {
      if (event === 'crash') this.crashListeners.push(listener);
    },
    goto: async (url: string) => {
      this.navigations.push(url);
      return null;
    },
    url: () => 'http://127.0.0.1:9/abc-defg-hij',
    screenshot: async () => Buffer.alloc(0),
    content: async () => '<html><body>fake meeting</body></html>',
  } as unknown as Page;
  readonly context = {} as SessionBrowser['context'];

  version(): string {
    return '156.0-fake';
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Chromium dies under the bot. */
  crash(): void {
    this.running = false;
    this.exit({ kind: 'crashed', signal: 'SIGKILL' });
  }

  /** The page's renderer dies; Chromium stays up. */
  crashPage(): void {
    for (const l of this.crashListeners) l();
  }

  async close(): Promise<void> {
    this.closed++;
    if (this.running) {
      this.running = false;
      this.exit({ kind: 'killed', reason: 'browser closed', signal: 'SIGTERM' });
    }
  }
}

export class FakeRecording implements SessionRecording {
  started = 0;
  stopped = 0;
  result = null;
  keptSegments: readonly string[] = [];
  /** What stop() leaves as the recording's health (set by a test); null: not assessed. */
  assessment: HealthAssessment | null = null;
  startImpl: () => Promise<void> = async () => undefined;

  constructor(readonly opts: BotRecordingOptions) {}

  async start(): Promise<void> {
    this.started++;
    await this.startImpl();
  }

  async stop(): Promise<void> {
    this.stopped++;
  }

  /** The health is what a test sets in `assessment`: the motion timeline changes nothing here. */
  noteMotion(): void {}
}

export interface FakeWorld {
  deps: Partial<SessionDeps>;
  adapter: FakeAdapter;
  browser: FakeBrowser;
  recordings: FakeRecording[];
  media: { started: number; disposed: number };
}

export function fakeWorld(adapter: FakeAdapter, opts: { recordingStart?: () => Promise<void> } = {}): FakeWorld {
  const browser = new FakeBrowser();
  const recordings: FakeRecording[] = [];
  const media = { started: 0, disposed: 0 };
  const env: MediaEnvironment = {
    display: ':99',
    env: {},
    audioSource: 'fake.monitor',
    applyCaptureLatency: async () => true,
    size: { width: 1280, height: 720 },
    dispose: async () => {
      media.disposed++;
    },
  };
  return {
    adapter,
    browser,
    recordings,
    media,
    deps: {
      createAdapter: () => adapter,
      startMediaEnvironment: async () => {
        media.started++;
        return env;
      },
      launchBrowser: async () => browser,
      createRecording: (o) => {
        const r = new FakeRecording(o);
        if (opts.recordingStart) r.startImpl = opts.recordingStart;
        recordings.push(r);
        return r;
      },
    },
  };
}

/** A Meet bot's spec, as the Create Bot body gives it, with automatic-leave settings replaced as asked. */
export function fakeSpec(overrides: Partial<BotSpec['automatic_leave']> = {}, body: Record<string, unknown> = {}): BotSpec {
  const parsed = parseBotConfigText(JSON.stringify({ meeting_url: 'http://127.0.0.1:9/abc-defg-hij', bot_name: 'Unit Bot', ...body }), {
    allowLoopback: true,
    platform: 'google_meet',
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  parsed.spec.automatic_leave = { ...parsed.spec.automatic_leave, ...overrides };
  return parsed.spec;
}

/** Runtime options for a session that runs in milliseconds, in a fresh output folder. */
export function fakeOptions(overrides: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return {
    outDir: mkdtempSync(join(tmpdir(), 'meetbot-session-')),
    botId: 'unit-bot-0001',
    chromiumPath: '/nonexistent/chromium',
    ffmpegPath: '/nonexistent/ffmpeg',
    headful: false,
    uiInput: 'auto',
    trace: false,
    allowLoopback: true,
    stepTimeoutMs: 1000,
    pollIntervalMs: 5,
    webhookUrl: null,
    webhookSecret: null,
    controlUrl: null,
    controlToken: null,
    credential: null,
    objectStore: { endpoint: null, region: 'us-east-1', forcePathStyle: false },
    storageSecrets: [],
    maxRuntimeSec: 60,
    watchdogSec: 30,
    zoomUnstartedReloadSec: 15,
    logLevel: 'debug',
    eventsToStdout: false,
    logsToStderr: false,
    ...overrides,
  };
}

export function eventsIn(outDir: string): LoggedEvent[] {
  return readFileSync(join(outDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LoggedEvent);
}

/** The session phases bot.log names, in order. */
export function phasesIn(outDir: string): string[] {
  const log = join(outDir, 'bot.log');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { msg: string; phase?: string })
    .filter((l) => l.msg === 'session phase')
    .map((l) => l.phase!);
}
