import { SupervisedProcess } from '../process/supervisor.js';
import { describeExit, type ExitReason } from '../process/exitReason.js';
import type { Logger } from '../util/log.js';

export interface ToolResult {
  stdout: Buffer;
  exit: ExitReason;
  /** Last lines of stderr, for error messages. */
  stderr: string[];
}

/**
 * Runs a short-lived tool (ffprobe, ffmpeg remux, pactl) to completion through the supervisor and collects its
 * stdout. Bounded by `timeoutMs`: a tool that hangs is stopped rather than blocking the bot's shutdown.
 */
export async function runTool(opts: {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  timeoutMs?: number;
}): Promise<ToolResult> {
  const proc = SupervisedProcess.start({
    name: opts.name,
    command: opts.command,
    args: opts.args,
    rawStdout: true,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.log ? { logger: opts.log } : {}),
  });
  const chunks: Buffer[] = [];
  const stdout = proc.child.stdout;
  stdout?.on('data', (c: Buffer) => chunks.push(c));
  // 'exit' can come before the last stdout bytes: wait for the pipe to close too.
  const drained = new Promise<void>((resolve) => (stdout ? stdout.once('close', resolve) : resolve()));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const timer = setTimeout(() => void proc.stop(`${opts.name} took longer than ${timeoutMs} ms`, 'SIGKILL', 0), timeoutMs);
  const exit = await proc.exited;
  await drained;
  clearTimeout(timer);
  return { stdout: Buffer.concat(chunks), exit, stderr: proc.recentOutput() };
}

/** Runs a tool and throws, with its last output lines, unless it exited with code 0. */
export async function runToolOrThrow(opts: Parameters<typeof runTool>[0]): Promise<Buffer> {
  const r = await runTool(opts);
  if (r.exit.kind !== 'exited' || r.exit.code !== 0) {
    throw new Error(`${opts.name} ${describeExit(r.exit)}\n${r.stderr.slice(-10).join('\n')}`);
  }
  return r.stdout;
}
