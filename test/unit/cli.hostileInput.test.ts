import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliDeps, type CliIo } from '../../src/cliMain.js';
import { hostileCorpus, type HostileCase } from '../helpers/hostileBodies.js';

// Hostile Create Bot bodies: every one must end with exit code 2 and an error line naming its field, never a
// crash or a stack trace, and no bot may start (runBot is replaced by a trap; the output folder never appears).

const CLI = new URL('../../dist/src/cli.js', import.meta.url).pathname;
const STACK_FRAME = /\bat (?:async )?(?:\S+ \()?(?:file:\/\/|node:|\/)\S*:\d+:\d+/;

function bufferIo(stdin: Buffer | string): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      stdin: (async function* () {
        yield typeof stdin === 'string' ? Buffer.from(stdin) : stdin;
      })(),
    },
    out,
    err,
  };
}

let botStarts = 0;
const trap: CliDeps = {
  runBot: () => {
    botStarts++;
    throw new Error('runBot must not be reached with an invalid body');
  },
};

/** Why an outcome is wrong for its case, or null when it is right. */
function verdict(c: HostileCase, code: number | null, stdout: string, stderr: string, outDir: string): string | null {
  if (code !== 2) return `exit ${code}`;
  if (!stderr.startsWith('invalid bot config:\n')) return `stderr: ${stderr.slice(0, 200)}`;
  const paths = stderr.split('\n').slice(1).filter(Boolean).map((l) => /^ {2}- (.*?): /.exec(l)?.[1] ?? `<${l.slice(0, 80)}>`);
  const named = paths.some((p) => p === c.field || p.startsWith(`${c.field}.`) || p.startsWith(`${c.field}[`));
  if (!named) return `no error names ${c.field.slice(0, 80)}: ${paths.join(' | ').slice(0, 300)}`;
  if (STACK_FRAME.test(stderr)) return 'stack trace on stderr';
  if (stdout !== '') return `stdout: ${stdout.slice(0, 200)}`;
  if (existsSync(outDir)) return 'the output folder was created';
  return null;
}

describe('hostile Create Bot bodies', () => {
  it('every body of the generated corpus (at least 1000) ends exit 2 naming its field, in-process, without reaching runBot', async () => {
    const outDir = join(mkdtempSync(join(tmpdir(), 'meetbot-hostile-')), 'out');
    const failures: string[] = [];
    let count = 0;
    const started = performance.now();
    for (const c of hostileCorpus()) {
      count++;
      const { io, out, err } = bufferIo(c.bytes ?? c.text);
      const code = await runCli(['join', '--config', '-', '--out', outDir], {}, io, trap);
      const problem = verdict(c, code, out.join(''), err.join(''), outDir);
      if (problem) failures.push(`${c.name}: ${problem}`);
    }
    const seconds = (performance.now() - started) / 1000;
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(1000);
    expect(botStarts).toBe(0);
    // Recorded for the report; the whole corpus takes a few seconds in-process.
    console.info(`hostile corpus: ${count} bodies in ${seconds.toFixed(1)} s`);
  }, 120_000);

  it('a sample of 20 through the real CLI process: stdin, --config file and BOT_CONFIG alike', async () => {
    const all = [...hostileCorpus()];
    const sample = Array.from({ length: 20 }, (_, i) => all[Math.floor((i * all.length) / 20) + 7]!).filter((c) => c.text.length < 5_000_000);
    const dir = mkdtempSync(join(tmpdir(), 'meetbot-hostile-proc-'));
    const results = await pool(sample, 4, async (c, i) => {
      const outDir = join(dir, `out-${i}`);
      // Rotate the three ways a body arrives; BOT_CONFIG cannot carry NUL, bytes that are not UTF-8, or
      // more than the kernel's 128 KiB per environment string.
      const envable = !c.bytes && !c.text.includes('\u0000') && c.text.length < 100_000;
      const way = i % 3 === 2 && !envable ? 0 : i % 3;
      const file = join(dir, `body-${i}.json`);
      if (way === 1) writeFileSync(file, c.bytes ?? c.text);
      const args = way === 0 ? ['--config', '-'] : way === 1 ? ['--config', file] : [];
      const env = { ...process.env, ...(way === 2 ? { BOT_CONFIG: c.text } : {}) };
      const { code, stdout, stderr } = await runProcess([CLI, 'join', ...args, '--out', outDir], env, way === 0 ? (c.bytes ?? Buffer.from(c.text)) : null);
      return verdict(c, code, stdout, stderr, outDir);
    });
    expect(results.map((r, i) => (r ? `${sample[i]!.name}: ${r}` : null)).filter(Boolean)).toEqual([]);
    expect(sample.length).toBeGreaterThanOrEqual(18);
  }, 180_000);
});

async function pool<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
}

function runProcess(args: string[], env: NodeJS.ProcessEnv, stdin: Buffer | null): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.stdin.on('error', () => undefined);
    p.stdin.end(stdin ?? undefined);
    // 'close', not 'exit': the exit can arrive before the last stderr bytes have been read (seen under load).
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
