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

/** Starts nothing: the bench measures the API and its database, not bots (their cost is the other phases'). */
class IdleLauncher implements Launcher {
  readonly name = 'idle';
  launch(): Promise<LaunchedBot> {
    return Promise.resolve({ ref: 'idle', outDir: tmpdir(), exited: new Promise(() => undefined) });
  }
  find(): Promise<LaunchedBot | null> {
    return Promise.resolve(null);
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

const SEED_BODY = JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij', bot_name: 'My Bot' });

/**
 * The seed's Create Bot request against `meetbot serve` in this process: latency of one create at a time
 * (p50, p99), then creates per second with `concurrency` clients for `seconds`. On PGlite, or on the server of
 * DATABASE_URL when it is set.
 */
export async function measureApiCreates(opts: { sequential: number; concurrency: number; seconds: number }): Promise<ApiCreateResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meetbot-bench-api-'));
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
      launcher: new IdleLauncher(),
    },
    silentLogger,
  );
  try {
    const project = await ensureProject(service.db, `bench-${Date.now()}`, { maxLiveBots: 1_000_000 });
    const { key } = await createApiKey(service.db, project.id);
    const create = async (): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${service.url}/api/v1/bot/`, { method: 'POST', headers: { authorization: `Token ${key}`, 'content-type': 'application/json' }, body: SEED_BODY });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`create answered ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 20; i++) await create(); // warm-up: JIT, connection pool, statement caches
    const latencies: number[] = [];
    for (let i = 0; i < opts.sequential; i++) latencies.push(await create());
    latencies.sort((a, b) => a - b);
    let done = 0;
    const until = performance.now() + opts.seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < until) {
          await create();
          done++;
        }
      }),
    );
    return {
      database: service.db.kind,
      sequential_creates: opts.sequential,
      create_p50_ms: round(median(latencies), 1),
      create_p99_ms: round(latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]!, 1),
      concurrency: opts.concurrency,
      creates_per_sec: round(done / ((performance.now() - t0) / 1000), 1),
    };
  } finally {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
