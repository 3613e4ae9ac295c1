import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { NodeRuntime } from './benchBot.js';
import { BOT_NODE_FLAGS } from '../src/session/nodeFlags.js';
import { median } from './stats.js';

/** A Node to compare the bot on: its version, and the V8 flags it is started with. */
export interface RuntimeVariant extends NodeRuntime {
  version: string;
  label: string;
}

/** The compiled CLI, from dist/bench/nodeRuntimes.js. */
const CLI = new URL('../src/cli.js', import.meta.url).pathname;

function versionOf(path: string): string | null {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/**
 * The Nodes the bench compares: the project's own (this process's), and an older one when there is one, taken
 * from MEETBOT_BENCH_OLD_NODE or else the first `node` on PATH outside node_modules (the machine's own). Each with
 * and without BOT_NODE_FLAGS, so a flag is kept only while it still pays on the Node the bot runs on.
 */
export function runtimeVariants(env: NodeJS.ProcessEnv = process.env): RuntimeVariant[] {
  const nodes = [{ path: process.execPath, version: process.version }];
  const onPath = (env.PATH ?? '').split(':').filter((d) => d && !d.includes('node_modules')).map((d) => join(d, 'node'));
  for (const path of [env.MEETBOT_BENCH_OLD_NODE, ...onPath]) {
    const version = path ? versionOf(path) : null;
    if (path && version && version !== process.version) {
      nodes.push({ path, version });
      break;
    }
  }
  return nodes.flatMap(({ path, version }) => [
    { path, version, flags: BOT_NODE_FLAGS, label: `${version} ${BOT_NODE_FLAGS.join(' ')}` },
    { path, version, flags: [], label: `${version} (no flags)` },
  ]);
}

/** Median wall time of `meetbot schema` (start Node, load the CLI, print, exit) over `runs` runs, in ms. */
export function cliStartupMs(runtime: NodeRuntime, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(runtime.path, [...runtime.flags, CLI, 'schema'], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`bench: ${runtime.path} ${CLI} schema exited ${r.status}`);
    times.push(performance.now() - t0);
  }
  return Math.round(median(times));
}
