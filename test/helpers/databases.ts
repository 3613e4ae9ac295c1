import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, inject, onTestFinished, TestRunner } from 'vitest';
import type { Db } from '../../src/service/db/db.js';
import { openDb, type OpenDbOptions } from '../../src/service/db/open.js';
import { openPglite } from '../../src/service/db/pglite.js';
import { openPostgres } from '../../src/service/db/postgres.js';

/** Where a new, empty database lives: what `openDb` (or `meetbot serve`) is given. */
export type DbPlace = Required<Pick<OpenDbOptions, 'databaseUrl' | 'dataDir'>>;

export interface TestDatabase {
  readonly kind: Db['kind'];
  /** A new, empty database: on the run's Postgres server (a fresh temp `dataDir` beside it), or a new PGlite folder under `dataDir`. */
  place(): Promise<DbPlace>;
  /** `openDb` on a new database (or on `place`, again): migrated. */
  open(place?: DbPlace): Promise<Db>;
  /** The driver alone on a new database (or on `place`): no migration runs. */
  openBare(place?: DbPlace): Promise<Db>;
}

/** Runs `sql` as the superuser on the run's server (CREATE and DROP DATABASE cannot run in a pool's transaction). */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function newestFirst(cleanups: (() => Promise<void>)[]): Promise<void> {
  // A Db closes before its database is dropped or its folder removed.
  for (const cleanup of cleanups.reverse()) await cleanup();
}

/**
 * Both databases the service runs on, for `describe.each(testDatabases())('$kind', (database) => ...)`: one
 * test body, run on PGlite and on the run's Postgres server. Every database, folder and connection one hands
 * out is gone after the test that asked for it (a PGlite holds about 160 MB), or when asked from a hook, after
 * the file (or the `describe` that called this).
 */
export function testDatabases(): TestDatabase[] {
  const fileCleanups: (() => Promise<void>)[] = [];
  afterAll(() => newestFirst(fileCleanups));
  const testCleanups = new WeakMap<object, (() => Promise<void>)[]>();
  const later = (cleanup: () => Promise<void>) => {
    const test = TestRunner.getCurrentTest();
    if (!test) return void fileCleanups.push(cleanup);
    let list = testCleanups.get(test);
    if (!list) {
      const mine: (() => Promise<void>)[] = (list = []);
      testCleanups.set(test, mine);
      onTestFinished(() => newestFirst(mine));
    }
    list.push(cleanup);
  };
  const tempDir = (what: string) => {
    const dir = mkdtempSync(join(tmpdir(), `meetbot-${what}-`));
    later(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const tracked = (db: Db) => {
    later(() => db.close());
    return db;
  };

  const newPglite = async (): Promise<DbPlace> => {
    const dataDir = tempDir('pglite');
    cpSync(inject('pgliteTemplate'), join(dataDir, 'pgdata'), { recursive: true });
    return { databaseUrl: null, dataDir };
  };
  const newPostgres = async (): Promise<DbPlace> => {
    const name = `meetbot_test_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE DATABASE ${name}`);
    // FORCE: a connection a test left open must not keep the database alive.
    later(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = new URL(inject('postgresUrl'));
    url.pathname = `/${name}`;
    return { databaseUrl: url.href, dataDir: tempDir('postgres') };
  };

  const pglite: TestDatabase = {
    kind: 'pglite',
    place: newPglite,
    open: async (place) => tracked(await openDb(place ?? (await newPglite()))),
    openBare: async (place) => tracked(await openPglite(join((place ?? (await newPglite())).dataDir, 'pgdata'))),
  };
  const postgres: TestDatabase = {
    kind: 'postgres',
    place: newPostgres,
    open: async (place) => tracked(await openDb(place ?? (await newPostgres()))),
    openBare: async (place) => tracked(await openPostgres((place ?? (await newPostgres())).databaseUrl!)),
  };
  return [pglite, postgres];
}
