import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeExit, type ExitReason } from '../../process/exitReason.js';
import { waitForGroupGone } from '../../process/processGroup.js';
import { SupervisedProcess } from '../../process/supervisor.js';
import type { Platform } from '../../config/botSpec.js';
import { sleep } from '../../util/async.js';
import type { Logger } from '../../util/log.js';
import { lastWords } from './lastWords.js';
import type { BotExit, LaunchedBot, Launcher, LaunchRequest } from './launcher.js';

export interface ProcessLauncherOptions {
  /** Where each bot's output folder goes: `<botsDir>/<bot id>`. */
  botsDir: string;
  /** The program and arguments that run meetbot's CLI (`node bin/meetbot.js`). */
  command: string;
  commandArgs: readonly string[];
  /** Operator switch for tests and local debugging: bots may join loopback mock meetings of this platform. */
  loopbackPlatform: Platform | null;
  log: Logger;
}

const OUTPUT_FILE = 'process.log';
const GONE_POLL_MS = 1000;

/**
 * Runs each bot as a `meetbot join` process on this machine. A bot leads its own process group and outlives the
 * service on purpose: a service that restarts finds its bots again (by pid, checked against the bot id on the
 * command line) and they reconnect to it. The Create Bot body reaches the bot on stdin, the channel token and its
 * login group's credential (MEETBOT_CREDENTIAL) in its environment: none shows on a command line. A signed-in
 * retry writes its outputs in `run-2/` of the bot's folder, beside the first run's.
 */
export class ProcessLauncher implements Launcher {
  readonly name = 'process';

  constructor(private readonly opts: ProcessLauncherOptions) {}

  async launch(req: LaunchRequest): Promise<LaunchedBot> {
    const outDir = join(this.opts.botsDir, req.botId, ...(req.run > 1 ? [`run-${req.run}`] : []));
    await mkdir(outDir, { recursive: true });
    const loopback = this.opts.loopbackPlatform ? ['--allow-loopback', '--platform', this.opts.loopbackPlatform] : [];
    const bot = SupervisedProcess.start({
      name: `bot ${req.botId}`,
      command: this.opts.command,
      args: [...this.opts.commandArgs, 'join', '--config', '-', '--api', req.api, '--out', outDir, '--bot-id', req.botId, '--control-url', req.controlUrl, ...(req.signIn ? ['--sign-in', req.signIn] : []), ...loopback],
      env: { ...botEnvironment(process.env), MEETBOT_CONTROL_TOKEN: req.controlToken, ...(req.credential ? { MEETBOT_CREDENTIAL: req.credential } : {}), ...(req.callbackSecret ? { MEETBOT_WEBHOOK_SECRET: req.callbackSecret } : {}) },
      stdin: true,
      outlivesParent: { outputFile: join(outDir, OUTPUT_FILE) },
      logger: this.opts.log,
    });
    const pid = bot.pid;
    if (pid === undefined) {
      const exit = await bot.exited;
      throw new Error(`could not start meetbot: ${describeExit(exit)}`);
    }
    bot.child.stdin?.on('error', () => undefined); // a bot that dies at once is reported by its exit
    bot.child.stdin?.end(req.body);
    return { ref: String(pid), outDir, exited: bot.exited.then((r) => this.exitOf(r, outDir)) };
  }

  async find(botId: string, ref: string, outDir: string): Promise<LaunchedBot | null> {
    const pid = Number(ref);
    if (!Number.isInteger(pid) || pid <= 0 || !(await isBotProcess(pid, botId))) return null;
    return { ref, outDir, exited: this.watchGone(pid, botId, outDir) };
  }

  /** Nothing to release: a process launcher holds only its children's exits, and the bots go on. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  async stop(ref: string, graceMs: number): Promise<void> {
    const pid = Number(ref);
    signal(pid, 'SIGTERM');
    if (!(await waitForGroupGone(pid, graceMs))) {
      signal(pid, 'SIGKILL');
      await waitForGroupGone(pid, 3000);
    }
  }

  /** A bot this service did not start (found after a restart) cannot be waited for: its /proc entry is watched. */
  private async watchGone(pid: number, botId: string, outDir: string): Promise<BotExit> {
    while (await isBotProcess(pid, botId)) await sleep(GONE_POLL_MS);
    return { code: null, signal: null, message: await lastLine(join(outDir, OUTPUT_FILE)) };
  }

  private async exitOf(r: ExitReason, outDir: string): Promise<BotExit> {
    const failed = r.kind !== 'exited' || r.code !== 0;
    return {
      code: r.kind === 'exited' ? r.code : null,
      signal: r.kind === 'crashed' || r.kind === 'killed' ? r.signal : null,
      message: failed ? ((await lastLine(join(outDir, OUTPUT_FILE))) ?? describeExit(r)) : null,
    };
  }
}

/**
 * The service's own secrets never reach a bot (a browser process): its database, its keys, Postgres's variables;
 * nor does a credential of the service's environment: a bot gets only its own login group's.
 */
const SERVICE_ONLY = /^(DATABASE_URL|MEETBOT_SIGNING_KEY|MEETBOT_CREDENTIALS_KEY|MEETBOT_WEBHOOK_SECRET|MEETBOT_CONTROL_TOKEN|MEETBOT_CREDENTIAL|MEETBOT_CREDENTIAL_FILE|PG[A-Z_]*)$/;

export function botEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SERVICE_ONLY.test(k)));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    /* already gone */
  }
}

/** The process is alive and is this bot's meetbot (a recycled pid is someone else). */
async function isBotProcess(pid: number, botId: string): Promise<boolean> {
  try {
    const [stat, cmdline] = await Promise.all([readFile(`/proc/${pid}/stat`, 'latin1'), readFile(`/proc/${pid}/cmdline`, 'utf8')]);
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X' && cmdline.split('\0').includes(botId);
  } catch {
    return false;
  }
}

/** The bot's last words in its output file (none when it has no file). */
async function lastLine(file: string): Promise<string | null> {
  return lastWords(await readFile(file, 'utf8').catch(() => ''));
}
