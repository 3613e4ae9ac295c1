import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MockPlatform } from '../fixtures/mock/types.js';
import type { ManifestTimings } from '../src/outputs/artifacts.js';
import { BOT_NODE_FLAGS } from '../src/session/nodeFlags.js';

/** The compiled CLI, from dist/bench/benchBot.js. */
const CLI = new URL('../src/cli.js', import.meta.url).pathname;

/** The Node a bot runs on, and its V8 flags (default: the bench's own Node with BOT_NODE_FLAGS). */
export interface NodeRuntime {
  path: string;
  flags: readonly string[];
}

/** Bots still running: killed if the bench itself ends (their own children follow by pdeathsig). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

interface ArrivedEvent {
  event: string;
  /** performance.now() when its line arrived on the bot's stdout. */
  at: number;
  raw: Record<string, unknown>;
}

/**
 * One real bot for the bench: the compiled CLI in its own process, as a scheduler starts it, against a
 * loopback mock meeting. Records when it was spawned and when each event line arrived, so join time is
 * measured from the outside (process start to `bot.in_call_recording`).
 */
export class BenchBot {
  readonly proc: ChildProcess;
  readonly outDir: string;
  readonly spawnedAt: number;
  readonly events: ArrivedEvent[] = [];
  readonly exited: Promise<number | null>;
  private stderrTail = '';

  constructor(
    url: string,
    body: Record<string, unknown>,
    opts: { outRoot?: string; node?: NodeRuntime; env?: NodeJS.ProcessEnv; platform?: MockPlatform } = {},
  ) {
    this.outDir = mkdtempSync(join(opts.outRoot ?? tmpdir(), 'bot-'));
    this.spawnedAt = performance.now();
    const node = opts.node ?? { path: process.execPath, flags: BOT_NODE_FLAGS };
    this.proc = spawn(
      node.path,
      [...node.flags, CLI, 'join', '--config', '-', '--out', this.outDir, '--platform', opts.platform ?? 'google_meet', '--allow-loopback', '--log-level', 'warn'],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
    );
    this.proc.stdin!.end(JSON.stringify({ bot_name: 'Bench Notetaker', ...body, meeting_url: url }));
    let buf = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const at = performance.now();
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const raw = JSON.parse(line) as Record<string, unknown>;
        this.events.push({ event: String(raw.event), at, raw });
      }
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    live.add(this.proc);
    this.exited = new Promise((resolve) =>
      this.proc.once('exit', (code) => {
        live.delete(this.proc);
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Resolves with the arrival time of the event; rejects when the bot exits first or on timeout. */
  async waitFor(event: string, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find((e) => e.event === event);
      if (hit) return hit.at;
      const done = this.proc.exitCode !== null || this.proc.signalCode !== null;
      if (done || performance.now() > deadline) {
        const seen = this.events.map((e) => e.event).join(' > ');
        throw new Error(`bot ${done ? 'exited' : 'timed out'} before ${event} (events: ${seen})\n${this.stderrTail}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGTERM: the bot leaves, finalises its recording and exits; SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  manifest(): { timings_ms?: ManifestTimings; recording?: { file: string; gaps: unknown[] } | null } {
    return JSON.parse(readFileSync(join(this.outDir, 'manifest.json'), 'utf8')) as ReturnType<BenchBot['manifest']>;
  }

  /** The finished recording (recording.mp4 / .m4a / .mp3). */
  recordingFile(ext: 'mp4' | 'm4a' | 'mp3'): string {
    return join(this.outDir, `recording.${ext}`);
  }

  gapEvents(): number {
    return this.events.filter((e) => e.event === 'recording.gap').length;
  }
}
