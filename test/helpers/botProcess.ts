import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from '../../src/config/botSpec.js';
import type { BotEvent, ChatMessageEvent, ParticipantEvent, ParticipantEventKind } from '../../src/events/botEvents.js';
import type { StatusCode } from '../../src/lifecycle/codes.js';
import type { StatusEvent } from '../../src/lifecycle/machine.js';
import { BOT_NODE_FLAGS } from '../../src/session/nodeFlags.js';

const CLI = new URL('../../dist/src/cli.js', import.meta.url).pathname;

export interface StartBotOptions {
  /** A loopback meeting URL from the mock server. */
  url: string;
  platform: Platform;
  /** The rest of the Create Bot body (meeting_url is filled in); bot_name defaults to "Test Notetaker". */
  body?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** Output folder (default: a new temp folder), e.g. one on a small tmpfs. */
  outDir?: string;
}

/** A `participant_events.<kind>` event (join, leave, speech_on, ..., chat_message), with the participant it is about. */
export function isParticipantEvent(e: BotEvent, kind: ParticipantEventKind | 'chat_message'): e is ParticipantEvent | ChatMessageEvent {
  return e.event === `participant_events.${kind}`;
}

/**
 * A real bot: the compiled CLI (`npm run build` runs before `npm test`) in its own process, as the scheduler
 * runs it. Events are read from its stdout, exactly as a user of meetbot reads them.
 */
export class BotProcess {
  readonly proc: ChildProcess;
  readonly outDir: string;
  readonly events: BotEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderrText = '';
  private waiters: (() => void)[] = [];

  constructor(opts: StartBotOptions) {
    this.outDir = opts.outDir ?? mkdtempSync(join(tmpdir(), 'meetbot-test-out-'));
    const body = { bot_name: 'Test Notetaker', ...opts.body, meeting_url: opts.url };
    this.proc = spawn(
      process.execPath,
      [...BOT_NODE_FLAGS, CLI, 'join', '--config', '-', '--out', this.outDir, '--platform', opts.platform, '--allow-loopback', ...(opts.args ?? [])],
      { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.proc.stdin!.end(JSON.stringify(body));
    let buf = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) this.events.push(JSON.parse(line) as BotEvent);
      }
      this.wake();
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => {
      this.wake();
      resolve({ code, signal });
    }));
  }

  get stderr(): string {
    return this.stderrText;
  }

  get statuses(): StatusEvent[] {
    return this.events.filter((e): e is StatusEvent => e.event.startsWith('bot.') && 'code' in e);
  }

  get codes(): StatusCode[] {
    return this.statuses.map((e) => e.code);
  }

  /** The bot's `participant_events.<kind>` events so far: who, and when the bot reported it. */
  participantEvents(kind: ParticipantEventKind | 'chat_message'): { name: string; created_at: string }[] {
    return this.events
      .filter((e) => isParticipantEvent(e, kind))
      .map((e) => ({ name: e.participant.name, created_at: e.created_at }));
  }

  /** Resolves with the first event matching `pred` (past or future); rejects on timeout or exit. */
  async waitForEvent(pred: (e: BotEvent) => boolean, timeoutMs = 60_000): Promise<BotEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        throw new Error(`bot exited (${this.proc.exitCode ?? this.proc.signalCode}) before the event; events: ${this.codes.join(' > ')}\n${this.stderr.slice(-3000)}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for an event; events: ${this.codes.join(' > ')}\n${this.stderr.slice(-3000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(0, Math.min(1000, deadline - Date.now())));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  waitForStatus(code: StatusCode, timeoutMs = 60_000): Promise<StatusEvent> {
    return this.waitForEvent((e) => e.event === `bot.${code}`, timeoutMs) as Promise<StatusEvent>;
  }

  /** Sends a signal and waits for the exit code (the runtime has 10 s after SIGTERM). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export function startBot(opts: StartBotOptions): BotProcess {
  return new BotProcess(opts);
}
