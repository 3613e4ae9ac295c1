import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliDeps, type CliIo } from '../../src/cliMain.js';
import type { BotSpec } from '../../src/config/botSpec.js';
import type { RuntimeOptions } from '../../src/session/runtimeOptions.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** What `join` would have run the bot with; null when it stopped before (a usage error, an invalid body). */
  spec: BotSpec | null;
  opts: RuntimeOptions | null;
}

/**
 * The whole CLI in-process, with a stand-in for the bot: what it printed, its exit code, and the spec and
 * runtime options `join` would have started the bot with. `<out>` in `args` is a new temp folder.
 */
export async function runCliCapturing(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, stdin: (async function* () {})() };
  let spec: BotSpec | null = null;
  let opts: RuntimeOptions | null = null;
  const deps: CliDeps = {
    runBot: async (s, o) => {
      spec = s;
      opts = o;
      return { exitCode: 0, final: { code: 'done' } as never };
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'meetbot-cli-'));
  const code = await runCli(args.map((a) => a.replace('<out>', dir)), env, io, deps);
  return { code, out: out.join(''), err: err.join(''), spec, opts };
}
