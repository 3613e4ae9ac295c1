import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { startHarness, until } from '../helpers/serviceHarness.js';

// Scheduled bots on the job queue: dispatched warm before join_at, rescheduled and deleted while scheduled,
// launched exactly once by however many services share the database, and never lost with a worker.

const MEET = 'https://meet.google.com/abc-defg-hij';
const WARM_MS = 1000;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe.each(testDatabases())('scheduling on $kind', (database) => {
  it('starts a scheduled bot warm, just before join_at; PATCH moves it, DELETE drops it, a late old job does nothing', async () => {
    const h = await startHarness(await database.place(), { warmStartMs: WARM_MS });
    const key = await h.key('acme');
    const joinAt = inMs(4000);
    const created = await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET, join_at: joinAt });
    expect(created.body).toMatchObject({ state: 'scheduled', join_at: joinAt });
    const id = created.body.id as string;

    // Moved 2 s later: the first job still fires at the old time and must not start it.
    const moved = inMs(6000);
    expect((await h.api(key, 'PATCH', `/api/v1/bots/${id}`, { join_at: moved })).body).toMatchObject({ state: 'scheduled', join_at: moved });
    expect((await h.api(key, 'PATCH', `/api/v1/bots/${id}`, { join_at: '2020-01-01T00:00:00Z' })).body).toEqual({ join_at: ['must not be in the past'] });
    expect((await h.api(key, 'PATCH', `/api/v1/bots/${id}`, { bot_name: 'x' })).body).toEqual({ bot_name: ['cannot be changed after creation; only join_at can, while the bot is scheduled'] });
    const dropped = (await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET, join_at: inMs(3000) })).body.id as string;
    expect((await h.api(key, 'DELETE', `/api/v1/bots/${dropped}`)).status).toBe(204);

    const bot = await until(async () => h.launcher.bots[0], Boolean, 'the launch', 15_000);
    const launchedAt = Date.now();
    expect(launchedAt).toBeGreaterThan(Date.parse(moved) - WARM_MS - 200);
    expect(launchedAt).toBeLessThan(Date.parse(moved));
    expect(JSON.parse(bot!.request.body).join_at).toBe(moved);
    await new Promise((r) => setTimeout(r, 2500));
    expect(h.launcher.bots).toHaveLength(1);
    expect((await h.api(key, 'PATCH', `/api/v1/bots/${id}`, { join_at: inMs(60_000) })).status).toBe(409);
  });

  it('refuses an ad-hoc bot it cannot start now (Recall 507), and takes a scheduled one', async () => {
    const h = await startHarness(await database.place(), { maxConcurrentBots: 1 });
    const key = await h.key('acme');
    expect((await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).status).toBe(201);
    const full = await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET });
    expect(full.status).toBe(507);
    expect(full.body.detail).toMatch(/retry in about 30 seconds/);
    expect((await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET })).body.error).toMatch(/no bot can be started right now/);
    expect((await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET, join_at: inMs(3600_000) })).status).toBe(201);
  });

  it.runIf(database.kind === 'postgres')('launches each of 50 bots exactly once with two services on one database, and a dispatch whose worker died is taken over', async () => {
    const place = await database.place();
    const a = await startHarness(place, { maxConcurrentBots: 100 });
    const b = await startHarness(place, { maxConcurrentBots: 100 });
    const key = await a.key('acme', { maxLiveBots: 100 });
    const joinAt = inMs(2500);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await (i % 2 ? a : b).api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET, join_at: joinAt })).body.id);
    const launches = () => [...a.launcher.bots, ...b.launcher.bots].map((x) => x.request.botId);
    await until(async () => launches(), (l) => l.length >= 50, '50 launches', 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(launches().sort()).toEqual([...ids].sort());
    expect(a.launcher.bots.length).toBeGreaterThan(0);
    expect(b.launcher.bots.length).toBeGreaterThan(0);

    // A worker that claimed a bot and died before launching it: its job expires and the other service takes it.
    a.launcher.hang = true;
    const orphan = (await a.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET, join_at: inMs(3600_000) })).body.id as string;
    await a.api(key, 'PATCH', `/api/v1/bot/${orphan}/`, { join_at: inMs(11 * 60_000) });
    await b.service.close(); // only `a` works the job now
    await a.api(key, 'PATCH', `/api/v1/bot/${orphan}/`, { join_at: null });
    await until(async () => a.launcher.hung, (n) => n === 1, 'the claim', 15_000);
    await a.service.close(); // dies holding the claimed dispatch
    const c = await startHarness(place, { maxConcurrentBots: 100 });
    const taken = await c.launcher.next(orphan, 30_000);
    expect(taken.request.botId).toBe(orphan);
  });
});
