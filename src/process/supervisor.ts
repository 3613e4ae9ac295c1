import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ExitReason } from './exitReason.js';
import { liveGroupMembers, waitForGroupGone } from './processGroup.js';
import type { Logger } from '../util/log.js';

/**
 * The one way meetbot starts an external program (Xvfb, PulseAudio, Chromium, ffmpeg).
 *
 * - Each child leads its own process group, so stopping it also stops whatever it forked (Chromium's
 *   renderers, the GPU process).
 * - Each child is started through `setpriv --pdeathsig SIGKILL`, so the kernel kills it if meetbot itself is
 *   SIGKILLed: no orphan survives any way out. (Node's main thread spawns children and lives as long as the
 *   process, so the parent-thread caveat of PDEATHSIG does not bite here.)
 * - A registry kills every live group synchronously when the Node process exits for any reason.
 */

const SETPRIV = '/usr/bin/setpriv';
const RECENT_LINES = 150;
/** How long the members of a group get to die after the group SIGKILL. */
const GROUP_DRAIN_MS = 3000;

export interface StartOptions {
  /** Short name for logs and errors: "xvfb", "pulseaudio", "chromium", "ffmpeg". */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra pipes beyond stdio (e.g. Xvfb's -displayfd 3). stdout/stderr are always piped. */
  extraPipes?: number;
  /** Keep stdout raw (binary data, e.g. PCM) instead of splitting it into log lines. */
  rawStdout?: boolean;
  /** Keep stdin open as a pipe (e.g. to send ffmpeg "q"). */
  stdin?: boolean;
  logger?: Logger;
  /**
   * The program outlives meetbot: a bot the API service launched, found again after the service restarts. It gets
   * no pdeathsig, is not killed when this process exits, and writes stdout and stderr to this file (a pipe to a
   * dead parent would break it).
   */
  outlivesParent?: { outputFile: string };
}

const live = new Set<SupervisedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) p.killGroupNow('SIGKILL');
  });
}

/** Processes still running, for tests and the shutdown path. */
export function liveProcesses(): readonly SupervisedProcess[] {
  return [...live];
}

export class SupervisedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitReason>;
  private readonly recent: string[] = [];
  private readonly lineListeners: ((line: string, stream: 'stdout' | 'stderr') => void)[] = [];
  private intent: { reason: string; signal: string } | null = null;
  private stopTimedOut: number | null = null;
  private result: ExitReason | null = null;

  private constructor(opts: StartOptions) {
    this.name = opts.name;
    const usePdeathsig = existsSync(SETPRIV) && !opts.outlivesParent;
    const command = usePdeathsig ? SETPRIV : opts.command;
    const args = usePdeathsig ? ['--pdeathsig', 'SIGKILL', '--', opts.command, ...opts.args] : [...opts.args];
    const output = opts.outlivesParent ? openSync(opts.outlivesParent.outputFile, 'a') : 'pipe';
    const stdio: StdioOptions = [opts.stdin ? 'pipe' : 'ignore', output, output];
    for (let i = 0; i < (opts.extraPipes ?? 0); i++) stdio.push('pipe');
    try {
      this.child = spawn(command, args, {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio,
        detached: true,
      });
    } finally {
      if (typeof output === 'number') closeSync(output);
    }
    opts.logger?.debug(`${this.name}: started`, { pid: this.child.pid, command: opts.command, args: opts.args });
    if (!opts.rawStdout && this.child.stdout) this.readLines(this.child.stdout, 'stdout');
    if (this.child.stderr) this.readLines(this.child.stderr, 'stderr');

    this.exited = new Promise<ExitReason>((resolve) => {
      let settled = false;
      const settle = (r: ExitReason) => {
        if (settled) return;
        settled = true;
        this.result = r;
        live.delete(this);
        opts.logger?.debug(`${this.name}: ended`, { pid: this.child.pid, exit: r });
        resolve(r);
      };
      this.child.once('error', (err) => settle({ kind: 'failed_to_start', error: err.message }));
      this.child.once('exit', (code, signal) => {
        // Whatever the leader did, nothing of its group may outlive it: the process counts as ended only once
        // its whole group is gone (or clearly stuck, which the log says).
        this.killGroupNow('SIGKILL');
        const reason: ExitReason =
          this.stopTimedOut !== null
            ? { kind: 'timed_out', phase: 'stop', afterMs: this.stopTimedOut }
            : this.intent
              ? { kind: 'killed', reason: this.intent.reason, signal: signal ?? this.intent.signal }
              : signal
                ? { kind: 'crashed', signal }
                : { kind: 'exited', code: code ?? 0 };
        const pgid = this.child.pid;
        if (pgid === undefined) return settle(reason);
        void waitForGroupGone(pgid, GROUP_DRAIN_MS).then((gone) => {
          if (!gone) opts.logger?.warn(`${this.name}: processes of its group outlived it`, { pgid, pids: liveGroupMembers(pgid) });
          settle(reason);
        });
      });
    });
    if (this.child.pid !== undefined && !opts.outlivesParent) {
      live.add(this);
      installExitHook();
    }
  }

  static start(opts: StartOptions): SupervisedProcess {
    return new SupervisedProcess(opts);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.result === null && this.child.pid !== undefined;
  }

  get exitReason(): ExitReason | null {
    return this.result;
  }

  /** The last lines the process printed, for error messages and failure evidence. */
  recentOutput(): string[] {
    return [...this.recent];
  }

  stream(fd: number): Readable {
    const s = this.child.stdio[fd];
    if (!s || !('on' in s)) throw new Error(`${this.name}: fd ${fd} is not a pipe`);
    return s as Readable;
  }

  onLine(listener: (line: string, stream: 'stdout' | 'stderr') => void): void {
    this.lineListeners.push(listener);
  }

  /** Resolves with the first matching output line; rejects if the process ends or the time runs out first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      for (const line of this.recent) {
        const m = line.match(pattern);
        if (m) return resolve(m);
      }
      const timer = setTimeout(() => {
        done();
        reject(new StartError(this, `no line matching ${pattern} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onLine = (line: string) => {
        const m = line.match(pattern);
        if (m) {
          done();
          resolve(m);
        }
      };
      const done = () => {
        clearTimeout(timer);
        const i = this.lineListeners.indexOf(onLine);
        if (i >= 0) this.lineListeners.splice(i, 1);
      };
      this.lineListeners.push(onLine);
      void this.exited.then((r) => {
        done();
        reject(new StartError(this, `ended before it was ready (${r.kind})`));
      });
    });
  }

  /**
   * Stops the process: `signal` to the whole group, then SIGKILL after `graceMs`. The intent is recorded
   * first, so the exit reads as `killed`, or `timed_out` if the grace period ran out.
   */
  async stop(reason: string, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<ExitReason> {
    if (this.result) return this.result;
    this.intent ??= { reason, signal };
    this.signalGroup(signal);
    const timer = setTimeout(() => {
      this.stopTimedOut = graceMs;
      this.killGroupNow('SIGKILL');
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records the intent without waiting: for a leader that is asked to quit another way (ffmpeg's "q"). */
  markStopping(reason: string): void {
    this.intent ??= { reason, signal: 'none' };
  }

  /** Sends a signal to the process group; ESRCH (already gone) is not an error. */
  signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
  }

  killGroupNow(signal: NodeJS.Signals): void {
    this.signalGroup(signal);
  }

  private readLines(stream: Readable, which: 'stdout' | 'stderr'): void {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      // ffmpeg ends progress lines with \r: treat it as a line break too.
      while ((nl = buf.search(/[\r\n]/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.length === 0) continue;
        this.recent.push(line);
        if (this.recent.length > RECENT_LINES) this.recent.shift();
        for (const l of [...this.lineListeners]) l(line, which);
      }
    });
  }
}

export class StartError extends Error {
  override name = 'StartError';
  constructor(
    readonly process: SupervisedProcess,
    message: string,
  ) {
    super(`${process.name}: ${message}\n${process.recentOutput().slice(-20).join('\n')}`);
  }
}
