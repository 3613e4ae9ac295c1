import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
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

/**
 * Both databases the service runs on, for `describe.each(testDatabases())('$kind', (database) => ...)`: one
 * test body, run on PGlite and on the run's Postgres server. Every database, folder and connection one hands
 * out is gone after the file (or after the `describe` that called this).
 */
export function testDatabases(): TestDatabase[] {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    // Newest first: a Db closes before its database is dropped or its folder removed.
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const tempDir = (what: string) => {
    const dir = mkdtempSync(join(tmpdir(), `meetbot-${what}-`));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const tracked = (db: Db) => {
    cleanups.push(() => db.close());
    return db;
  };

  const pglite: TestDatabase = {
    kind: 'pglite',
    async place() {
      const dataDir = tempDir('pglite');
      cpSync(inject('pgliteTemplate'), join(dataDir, 'pgdata'), { recursive: true });
      return { databaseUrl: null, dataDir };
    },
    async open(place) {
      return tracked(await openDb(place ?? (await this.place())));
    },
    async openBare(place) {
      return tracked(await openPglite(join((place ?? (await this.place())).dataDir, 'pgdata')));
    },
  };

  const postgres: TestDatabase = {
    kind: 'postgres',
    async place() {
      const name = `meetbot_test_${randomBytes(6).toString('hex')}`;
      await admin(`CREATE DATABASE ${name}`);
      // FORCE: a connection a test left open must not keep the database alive.
      cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      const url = new URL(inject('postgresUrl'));
      url.pathname = `/${name}`;
      return { databaseUrl: url.href, dataDir: tempDir('postgres') };
    },
    async open(place) {
      return tracked(await openDb(place ?? (await this.place())));
    },
    async openBare(place) {
      return tracked(await openPostgres((place ?? (await this.place())).databaseUrl!));
    },
  };

  return [pglite, postgres];
}
