import { join } from 'node:path';
import type { Db } from './db.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Logger } from '../../util/log.js';

export interface OpenDbOptions {
  /** A Postgres server (`DATABASE_URL`); without one the service keeps its data in PGlite under `dataDir`. */
  databaseUrl?: string | null;
  dataDir: string;
  logger?: Logger;
}

/** The URL as it may be shown: without its password. */
function shown(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/** One line that says why a connection failed (Node reports a refused `localhost` as an AggregateError with no message). */
function reasonOf(err: unknown): string {
  const first = err instanceof AggregateError && err.errors.length > 0 ? (err.errors[0] as unknown) : err;
  const e = first as { message?: unknown; code?: unknown };
  const text = typeof e.message === 'string' && e.message ? e.message : typeof e.code === 'string' ? e.code : String(first);
  return text.replace(/\s+/g, ' ').trim();
}

/** The service's database, migrated: a Postgres server when `databaseUrl` is set, else PGlite in `<dataDir>/pgdata`. */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  let db: Db;
  if (opts.databaseUrl) {
    try {
      db = await openPostgres(opts.databaseUrl, opts.logger);
    } catch (err) {
      throw new Error(`cannot connect to the Postgres server of DATABASE_URL (${shown(opts.databaseUrl)}): ${reasonOf(err)}`, { cause: err });
    }
  } else {
    db = await openPglite(join(opts.dataDir, 'pgdata'));
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
