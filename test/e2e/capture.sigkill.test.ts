import { spawn, execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../fixtures/capture/server.js';
import { toneEnergy } from '../../fixtures/media/audio.js';
import { execMedia } from '../../fixtures/media/exec.js';

// SIGKILL of the whole bot: the recording on disk stays playable and misses at most 2 s, and no process of
// that bot survives (pdeathsig on every child; Chromium's helpers follow their browser).
const run = promisify(execFile);
let dir: string;
let buildDir: string;
let server: FixtureServer;
let driverJs: string;

/**
 * Transpiles the driver and everything it imports (relative imports only) without type-checking: fast, and
 * other work in progress in the tree cannot break this test. The output sits under node_modules/.cache so that
 * it resolves playwright-core like the tree does.
 */
async function buildDriver(entry: string, outDir: string): Promise<string> {
  const root = process.cwd();
  const queue = [resolve(root, entry)];
  const seen = new Set<string>();
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = await readFile(file, 'utf8');
    for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) queue.push(resolve(dirname(file), `${m[1]}.ts`));
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const out = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  return join(outDir, entry.replace(/\.ts$/, '.js'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meetbot-sigkill-'));
  const cache = join(process.cwd(), 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  buildDir = await mkdtemp(join(cache, 'meetbot-killdriver-'));
  await writeFile(join(buildDir, 'package.json'), '{"type":"module"}');
  driverJs = await buildDriver('fixtures/capture/killDriver.ts', buildDir);
  server = await startFixtureServer();
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
});

/** Live (non-zombie) processes whose command line mentions `needle`. */
async function processesMentioning(needle: string): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,stat=,args=']);
  return stdout
    .split('\n')
    .filter((l) => l.includes(needle) && !/^\s*\d+\s+Z/.test(l) && !l.includes('ps -eo'));
}

test('SIGKILL of the bot leaves a playable recording missing at most 2 s, and no process', async () => {
  const workDir = join(dir, 'bot');
  const driver = spawn(process.execPath, [driverJs, server.url({ hz: 440 }), workDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<{ startedAt: number; pids: number[] }>((resolve, reject) => {
    let out = '';
    driver.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { startedAt: number; pids: number[] });
    });
    driver.once('exit', (code) => reject(new Error(`driver exited early (${code})`)));
  });
  expect(ready.pids.length).toBeGreaterThanOrEqual(4); // xvfb, pulseaudio, chromium, ffmpeg
  await new Promise((r) => setTimeout(r, 6000));
  const killedAt = Date.now();
  driver.kill('SIGKILL');
  await new Promise((r) => driver.once('exit', r));

  // Give the kernel's pdeathsig and Chromium's helpers a moment to go.
  let leftovers: string[] = [];
  for (let i = 0; i < 20; i++) {
    leftovers = await processesMentioning(workDir);
    const pidsAlive = ready.pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    leftovers.push(...pidsAlive.map((p) => `pid ${p} still alive`));
    if (leftovers.length === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(leftovers).toEqual([]);

  const outDir = join(workDir, 'out');
  const files = await readdir(outDir);
  expect(files).toEqual(['recording.part000.mp4']);
  const part = join(outDir, files[0]!);
  // Playable: decodes from start to end without an error.
  await execMedia('ffmpeg', ['-v', 'error', '-xerror', '-i', part, '-f', 'null', '-']);
  const { stdout } = await execMedia('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', part]);
  const duration = Number(stdout.toString().trim());
  const recordedFor = (killedAt - ready.startedAt) / 1000;
  console.info(`recorded for ${recordedFor.toFixed(2)} s before SIGKILL; file holds ${duration.toFixed(2)} s`);
  expect(duration).toBeGreaterThanOrEqual(recordedFor - 2);
  expect(await toneEnergy(part, 440, 1, duration - 0.5)).toBeGreaterThan(0.05);
  await rm(workDir, { recursive: true, force: true });
});
