import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LaunchedBot, Launcher } from '../src/service/launcher/launcher.js';
import { startService } from '../src/service/service.js';
import { createApiKey, ensureProject } from '../src/service/store/projects.js';
import { silentLogger } from '../src/util/log.js';
import { median, round } from './stats.js';

export interface ApiCreateResult {
  database: 'pglite' | 'postgres';
  sequential_creates: number;
  create_p50_ms: number;
  create_p99_ms: number;
  concurrency: number;
  creates_per_sec: number;
}

export interface DispatchLagResult {
  scheduled_bots: number;
  over_sec: number;
  dispatch_lag_p50_ms: number;
  dispatch_lag_p99_ms: number;
}

/**
 * Starts nothing: the bench measures the API, its database and its queue, not bots (their cost is the other
 * phases'). It notes when each bot would have been launched.
 */
class IdleLauncher implements Launcher {
  readonly name = 'idle';
  readonly launchedAt = new Map<string, number>();
  launch(req: { botId: string }): Promise<LaunchedBot> {
    this.launchedAt.set(req.botId, Date.now());
    return Promise.resolve({ ref: 'idle', outDir: tmpdir(), exited: new Promise(() => undefined) });
  }
  find(): Promise<LaunchedBot | null> {
    return Promise.resolve(null);
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const SEED_BODY = JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij', bot_name: 'My Bot' });

async function withService<T>(warmStartMs: number, run: (url: string, key: string, launcher: IdleLauncher) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meetbot-bench-api-'));
  const launcher = new IdleLauncher();
  const service = await startService(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      databaseUrl: process.env.DATABASE_URL || null,
      publicUrl: null,
      channelUrl: null,
      maxConcurrentBots: 1_000_000,
      loopbackPlatform: null,
      meetbotCommand: { command: 'false', args: [] },
      signingKey: null,
      launcher,
      warmStartMs,
    },
    silentLogger,
  );
  try {
    const project = await ensureProject(service.db, `bench-${Date.now()}`, { maxLiveBots: 1_000_000 });
    const { key } = await createApiKey(service.db, project.id);
    return await run(service.url, key, launcher);
  } finally {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function create(url: string, key: string, body: string): Promise<{ ms: number; id: string }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/bot/`, { method: 'POST', headers: { authorization: `Token ${key}`, 'content-type': 'application/json' }, body });
  const answer = (await res.json()) as { id: string };
  if (res.status !== 201) throw new Error(`create answered ${res.status}`);
  return { ms: performance.now() - t0, id: answer.id };
}

/**
 * `bots` scheduled bots with their join_at spread evenly over the next `overSec` seconds (created ahead, warm
 * start 0 so a dispatch is due at join_at): how late after join_at each is handed to the launcher.
 */
export async function measureDispatchLag(opts: { bots: number; overSec: number }): Promise<DispatchLagResult> {
  return withService(0, async (url, key, launcher) => {
    const start = Date.now() + 20_000 + opts.bots * 5; // leave time to create them all first
    const due = new Map<string, number>();
    for (let i = 0; i < opts.bots; i++) {
      const at = start + Math.floor((i * opts.overSec * 1000) / opts.bots);
      const { id } = await create(url, key, JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij', join_at: new Date(at).toISOString() }));
      due.set(id, at);
    }
    const deadline = start + opts.overSec * 1000 + 30_000;
    // Only these bots count: a database shared with an earlier run may hold others still to dispatch.
    while ([...due.keys()].some((id) => !launcher.launchedAt.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    const lags = [...due].map(([id, at]) => (launcher.launchedAt.get(id) ?? Infinity) - at).sort((x, y) => x - y);
    return {
      scheduled_bots: opts.bots,
      over_sec: opts.overSec,
      dispatch_lag_p50_ms: Math.round(median(lags)),
      dispatch_lag_p99_ms: Math.round(lags[Math.min(lags.length - 1, Math.ceil(lags.length * 0.99) - 1)]!),
    };
  });
}

/**
 * The seed's Create Bot request against `meetbot serve` in this process: latency of one create at a time
 * (p50, p99), then creates per second with `concurrency` clients for `seconds`. On PGlite, or on the server of
 * DATABASE_URL when it is set.
 */
/**
 * The seed's Create Bot request: latency of one create at a time (p50, p99), then creates per second with
 * `concurrency` clients for `seconds`.
 */
export async function measureApiCreates(opts: { sequential: number; concurrency: number; seconds: number }): Promise<ApiCreateResult> {
  return withService(30_000, async (url, key) => {
    const once = async () => (await create(url, key, SEED_BODY)).ms;
    for (let i = 0; i < 20; i++) await once(); // warm-up: JIT, connection pool, statement caches
    const latencies: number[] = [];
    for (let i = 0; i < opts.sequential; i++) latencies.push(await once());
    latencies.sort((a, b) => a - b);
    let done = 0;
    const until = performance.now() + opts.seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < until) {
          await once();
          done++;
        }
      }),
    );
    return {
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      sequential_creates: opts.sequential,
      create_p50_ms: round(median(latencies), 1),
      create_p99_ms: round(latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]!, 1),
      concurrency: opts.concurrency,
      creates_per_sec: round(done / ((performance.now() - t0) / 1000), 1),
    };
  });
}
