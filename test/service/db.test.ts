import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/service/db/db.js';
import { migrate } from '../../src/service/db/migrate.js';
import { MIGRATIONS, type Migration } from '../../src/service/db/migrations.js';
import { openDb } from '../../src/service/db/open.js';
import { openPglite } from '../../src/service/db/pglite.js';
import { testDatabases } from '../helpers/databases.js';

// The database layer on both databases the service runs on: the same schema, the same types back, the same
// transactions; then what only one of them has: concurrent services on the server, PGlite's folder.

/** Tables, columns and indexes as the catalog describes them: what a migration changed. */
async function schemaOf(db: Db): Promise<unknown[]> {
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const indexes = await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`);
  return [...columns, ...indexes];
}

const migration = (id: number, sql: string): Migration => ({ id, name: `test ${id}`, sql });

async function addProject(db: Db, id: string): Promise<void> {
  await db.query('INSERT INTO projects (id, name) VALUES ($1, $2)', [id, `project ${id}`]);
}

async function addBot(db: Db, project: string, dedupKey: string | null): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO bots (id, public_id, project_id, api, body, meeting_url, meeting, bot_name, deduplication_key)
     VALUES ($1, $2, $3, 'recall', $4, 'https://meet.google.com/abc-defg-hij', $4, 'Notetaker', $5)`,
    [id, `bot_${id}`, project, { meeting_url: 'https://meet.google.com/abc-defg-hij' }, dedupKey],
  );
  return id;
}

describe.each(testDatabases())('database layer on $kind', (database) => {
  it('applies the migrations once, records them, and a second run changes nothing', async () => {
    const db = await database.openBare();
    await migrate(db);
    const recorded = await db.query<{ id: number; name: string; applied_at: Date }>('SELECT * FROM schema_migrations ORDER BY id');
    expect(recorded.map((r) => [r.id, r.name])).toEqual(MIGRATIONS.map((m) => [m.id, m.name]));
    const schema = await schemaOf(db);
    expect(schema).toContainEqual(expect.objectContaining({ table_name: 'bots', column_name: 'deduplication_key' }));

    await migrate(db);
    expect(await db.query('SELECT * FROM schema_migrations ORDER BY id')).toEqual(recorded);
    expect(await schemaOf(db)).toEqual(schema);
  });

  it('applies missing migrations in id order, each with its record, and stops at one that fails', async () => {
    const db = await database.openBare();
    await migrate(db, [migration(1, 'CREATE TABLE a (x int)')]);
    // Listed out of order: 3 needs 2's table.
    const later = [migration(3, 'ALTER TABLE b ADD COLUMN y int'), migration(2, 'CREATE TABLE b (x int)'), migration(1, 'CREATE TABLE a (x int)')];
    await migrate(db, later);
    expect((await db.query('SELECT id FROM schema_migrations ORDER BY applied_at, id')).map((r) => r.id)).toEqual([1, 2, 3]);

    const failing = [...later, migration(4, 'CREATE TABLE c (x int); SELECT * FROM no_such_table')];
    await expect(migrate(db, failing)).rejects.toThrow(/no_such_table/);
    expect((await db.query('SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id)).toEqual([1, 2, 3]);
    // Its first statement went with it: the migration's transaction rolled back whole.
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'c'`)).toEqual([]);
  });

  it('refuses a database that a newer service migrated, and openDb lets go of it', async () => {
    const place = await database.place();
    const first = await openDb(place);
    await first.query(`INSERT INTO schema_migrations (id, name) VALUES (9999, 'from a newer meetbot')`);
    await first.close();
    await expect(openDb(place)).rejects.toThrow(/migration 9999, which this meetbot does not know \(a newer version wrote it\)/);
    // The refused open closed its connection (for PGlite, its hold on the folder): the database opens again.
    const db = await database.openBare(place);
    expect(await db.query('SELECT max(id) AS id FROM schema_migrations')).toEqual([{ id: 9999 }]);
  });

  it('gives back the same JavaScript types: Date, number for int8, parsed jsonb, numeric as text', async () => {
    const db = await database.open();
    await addProject(db, 'p1');
    const botId = await addBot(db, 'p1', null);
    const at = new Date('2026-05-01T12:34:56.789Z');
    const body = { event: 'bot.joining_call', data: { sub_code: null, list: [1, 'two', { three: 3 }] } };
    await db.query('INSERT INTO bot_events (bot_id, bot_seq, event, body, created_at) VALUES ($1, 1, $2, $3, $4)', [botId, body.event, body, at]);
    // JSON text goes in as it is: the way to store a top-level array (a JS array is a Postgres array).
    await db.query('INSERT INTO bot_events (bot_id, bot_seq, event, body, created_at) VALUES ($1, 2, $2, $3, $4)', [botId, 'list', JSON.stringify([1, 2]), at]);

    const rows = await db.query<Record<string, unknown>>('SELECT id, body, created_at, received_at FROM bot_events ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
    expect(rows[0]!.body).toEqual(body);
    expect(rows[1]!.body).toEqual([1, 2]);
    expect(rows[0]!.created_at).toBeInstanceOf(Date);
    expect((rows[0]!.created_at as Date).getTime()).toBe(at.getTime());
    expect(rows[0]!.received_at).toBeInstanceOf(Date);

    const [values] = await db.query(
      `SELECT count(*) AS n, 9007199254740991::int8 AS big, 1.50::numeric AS price, ARRAY[1, NULL, 3]::int8[] AS ids,
              NULL::int8 AS nothing, true AS yes, 7::int4 AS small, (SELECT metadata FROM bots) AS metadata`,
    );
    expect(values).toEqual({ n: 1, big: 9007199254740991, price: '1.50', ids: [1, null, 3], nothing: null, yes: true, small: 7, metadata: {} });
  });

  it('takes one statement per query, a script through exec', async () => {
    const db = await database.openBare();
    await expect(db.query('SELECT 1; SELECT 2')).rejects.toThrow(/multiple commands|cannot insert multiple commands/i);
    await db.exec('CREATE TABLE s (x int); INSERT INTO s VALUES (1), (2);');
    expect(await db.query('SELECT x FROM s ORDER BY x')).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it('commits a transaction whose function resolves and rolls back one that throws', async () => {
    const db = await database.open();
    const result = await db.tx(async (t) => {
      await addProject(t, 'kept');
      return 'done';
    });
    expect(result).toBe('done');
    const boom = new Error('boom');
    await expect(
      db.tx(async (t) => {
        await addProject(t, 'dropped');
        expect(await t.query('SELECT id FROM projects ORDER BY id')).toEqual([{ id: 'dropped' }, { id: 'kept' }]);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await db.query('SELECT id FROM projects')).toEqual([{ id: 'kept' }]);
  });

  it('rolls back a transaction in which a statement failed, even when the function caught it', async () => {
    const db = await database.open();
    await expect(
      db.tx(async (t) => {
        await addProject(t, 'p1');
        await t.query('INSERT INTO projects (id, name) VALUES ($1, $2)', ['p1', 'again']).catch(() => undefined);
        return 'looked fine';
      }),
    ).rejects.toThrow();
    expect(await db.query('SELECT id FROM projects')).toEqual([]);
  });

  it('runs a tx inside a tx as a savepoint, and refuses a transaction handle once it has ended', async () => {
    const db = await database.open();
    let handle: Db | undefined;
    await db.tx(async (t) => {
      handle = t;
      await addProject(t, 'outer');
      await expect(
        t.tx(async (inner) => {
          await addProject(inner, 'inner');
          throw new Error('inner step failed');
        }),
      ).rejects.toThrow('inner step failed');
      await t.tx((inner) => addProject(inner, 'second'));
    });
    expect(await db.query('SELECT id FROM projects ORDER BY id')).toEqual([{ id: 'outer' }, { id: 'second' }]);
    await expect(handle!.query('SELECT 1')).rejects.toThrow(/transaction has ended/);
  });

  it('keeps one live bot per deduplication key and project (the partial unique index)', async () => {
    const db = await database.open();
    await addProject(db, 'p1');
    await addProject(db, 'p2');
    const first = await addBot(db, 'p1', 'standup');
    await expect(addBot(db, 'p1', 'standup')).rejects.toMatchObject({ code: '23505' });
    // Another project, and bots without a key, are not duplicates.
    await addBot(db, 'p2', 'standup');
    await addBot(db, 'p1', null);
    await addBot(db, 'p1', null);
    // Once the first bot is no longer live its key is free again.
    await db.query('UPDATE bots SET live = false WHERE id = $1', [first]);
    await addBot(db, 'p1', 'standup');
    expect(await db.query(`SELECT count(*) AS n FROM bots WHERE deduplication_key = 'standup'`)).toEqual([{ n: 3 }]);
  });
});

describe('database layer on the Postgres server', () => {
  const [, postgres] = testDatabases();

  it('migrates safely when several services start at once', async () => {
    const place = await postgres!.place();
    const services = await Promise.all([1, 2, 3, 4].map(() => postgres!.openBare(place)));
    // A slow last migration: every service is still deciding while the first one applies it.
    const slow = migration(1000, 'CREATE TABLE probe (x int); SELECT pg_sleep(0.3);');
    await Promise.all(services.map((db) => migrate(db, [...MIGRATIONS, slow])));
    const recorded = await services[0]!.query('SELECT id FROM schema_migrations ORDER BY id');
    expect(recorded.map((r) => r.id)).toEqual([...MIGRATIONS.map((m) => m.id), 1000]);
  });

  it('says in one line which DATABASE_URL it cannot reach, without its password', async () => {
    const { dataDir } = await postgres!.place();
    const error = await openDb({ databaseUrl: 'postgresql://meetbot:s3cret@127.0.0.1:1/meetbot', dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^cannot connect to the Postgres server of DATABASE_URL \(postgresql:\/\/meetbot:\*\*\*@127\.0\.0\.1:1\/meetbot\): .*ECONNREFUSED/);
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('\n');
  });
});

describe('testDatabases', () => {
  const [pglite, postgres] = testDatabases();
  let handedOut: { folder: string; database: string } | undefined;

  it('hands out databases that are gone after the test that asked for them', async () => {
    const folder = await pglite!.place();
    await pglite!.open(folder);
    const server = await postgres!.place();
    await postgres!.open(server);
    handedOut = { folder: folder.dataDir, database: new URL(server.databaseUrl!).pathname.slice(1) };
    expect(existsSync(folder.dataDir)).toBe(true);
  });

  it('(the databases of the test before are gone)', async () => {
    expect(existsSync(handedOut!.folder)).toBe(false);
    const server = await postgres!.openBare();
    expect(await server.query('SELECT datname FROM pg_database WHERE datname = $1', [handedOut!.database])).toEqual([]);
  });
});

/**
 * A node process that holds a PGlite folder and commits transactions of two rows each, one after the other,
 * printing "committed <n>" once each has committed. It runs the built driver (npm test builds first).
 */
const WRITER = `
const { openPglite } = await import(process.env.DRIVER);
const db = await openPglite(process.env.FOLDER);
await db.exec('CREATE TABLE IF NOT EXISTS kept (n int NOT NULL, part text NOT NULL)');
for (let n = 1; ; n++) {
  await db.tx(async (t) => {
    await t.query("INSERT INTO kept VALUES ($1, 'first')", [n]);
    await t.query("INSERT INTO kept VALUES ($1, 'second')", [n]);
  });
  process.stdout.write('committed ' + n + '\\n');
}`;

describe('PGlite', () => {
  const [pglite] = testDatabases();

  it('makes a query issued during a transaction wait for its end, so it never runs inside it', async () => {
    const db = await pglite!.open();
    let outside: Promise<unknown[]> | undefined;
    let settledDuringTx = false;
    await expect(
      db.tx(async (t) => {
        await addProject(t, 'uncommitted');
        outside = db.query('SELECT id FROM projects');
        void outside.then(() => (settledDuringTx = true));
        await new Promise((resolve) => setTimeout(resolve, 200));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(settledDuringTx).toBe(false);
    // Run on the one connection in the middle of the transaction, it would have seen the row.
    expect(await outside).toEqual([]);
  });

  it('keeps its data across close and reopen', async () => {
    const place = await pglite!.place();
    const db = await openDb(place);
    await addProject(db, 'p1');
    await db.close();
    const again = await pglite!.open(place);
    expect(await again.query('SELECT id FROM projects')).toEqual([{ id: 'p1' }]);
  });

  it('is held by one open Db at a time (another process: the SIGKILL test)', async () => {
    const folder = join((await pglite!.place()).dataDir, 'pgdata');
    const first = await openPglite(folder);
    await expect(openPglite(folder)).rejects.toThrow(`the data folder ${folder} is in use by another meetbot service (one service per folder)`);
    await first.close();
    await (await openPglite(folder)).close();
  });

  it('keeps every committed transaction when the process holding it is SIGKILLed, and reopens', async () => {
    const folder = join((await pglite!.place()).dataDir, 'pgdata');
    const driver = new URL('../../dist/src/service/db/pglite.js', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER], {
      env: { ...process.env, DRIVER: driver, FOLDER: folder },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // 'close': after the last line the writer printed before it died has been read.
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)));
    let acknowledged = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('exit', () => reject(new Error('the writer ended before it was killed')));
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          for (const [, n] of chunk.matchAll(/committed (\d+)/g)) acknowledged = Math.max(acknowledged, Number(n));
          if (acknowledged >= 40) resolve();
        });
      });
      await expect(openPglite(folder)).rejects.toThrow('is in use by another meetbot service');
    } finally {
      // Killed while it writes, most likely inside a transaction.
      child.kill('SIGKILL');
    }
    expect(await ended).toBe('SIGKILL');

    const db = await pglite!.openBare({ databaseUrl: null, dataDir: join(folder, '..') });
    const rows = await db.query<{ n: number; parts: number }>('SELECT n, count(*)::int AS parts FROM kept GROUP BY n ORDER BY n');
    const last = rows.at(-1)!.n;
    // Every acknowledged transaction is there, and whole (one the kill interrupted is there whole or not at all).
    expect(last).toBeGreaterThanOrEqual(acknowledged);
    expect(rows).toEqual(Array.from({ length: last }, (_, i) => ({ n: i + 1, parts: 2 })));
    // And it takes writes again.
    await db.query("INSERT INTO kept VALUES (0, 'after')");
  });
});
