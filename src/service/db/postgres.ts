import pg from 'pg';
import type { Db } from './db.js';
import { txScope, type TxStatements } from './txScope.js';
import type { Logger } from '../../util/log.js';

const INT8 = 20;
const INT8_ARRAY = 1016;

/** pg's own parsers, by plain oid (its types list only the scalar oids). */
const builtinParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (value: string) => unknown;

/**
 * int8 (bigserial ids, counts) as number, as PGlite gives it: the service's ids and counts stay far below
 * 2^53. Set on the pool, not on pg's global parsers, which belong to every pg user in the process.
 */
const poolTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === INT8_ARRAY) {
      const strings = builtinParser(INT8_ARRAY) as (value: string) => (string | null)[];
      return (value: string) => strings(value).map((v) => (v === null ? null : Number(v)));
    }
    return builtinParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** pg's option (its types lack it) for the extended protocol even without parameters. */
type ExtendedQuery = pg.QueryConfig<unknown[]> & { queryMode: 'extended' };

/** Statements on one pool or one client: always the extended protocol, so one statement per query, as on PGlite. */
function statementsOn(target: pg.Pool | pg.PoolClient): TxStatements {
  return {
    query: async <R>(sql: string, params: readonly unknown[] = []) => {
      const query: ExtendedQuery = { text: sql, values: [...params], queryMode: 'extended' };
      return (await target.query(query)).rows as R[];
    },
    exec: async (sql: string) => {
      await target.query(sql);
    },
  };
}

/**
 * A `Db` on a Postgres server: a pool of connections from `url`. Resolves once one connection has worked, so a
 * server that cannot be reached is an error here, not at the first request.
 */
export async function openPostgres(url: string, logger?: Logger): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, types: poolTypes, connectionTimeoutMillis: 10_000, application_name: 'meetbot' });
  // An idle connection the server drops (restart, failover) is an 'error' event: unhandled, it would end the
  // process. The pool replaces it; a lasting fault shows in the next query.
  pool.on('error', (err) => logger?.warn('postgres: idle connection lost', { error: err.message }));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end();
    throw err;
  }
  const statements = statementsOn(pool);
  let closing: Promise<void> | undefined;
  return {
    kind: 'postgres',
    queue: { connectionString: url },
    query: statements.query,
    exec: statements.exec,
    async tx(fn) {
      const client = await pool.connect();
      const scope = txScope('postgres', statementsOn(client));
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(scope.db);
        // A statement that failed inside turns COMMIT into a rollback without an error: say so, as PGlite does.
        if ((await client.query('COMMIT')).command === 'ROLLBACK') throw new Error('the transaction was aborted by a failed statement and rolled back');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = e instanceof Error ? e : new Error(String(e));
        });
        throw err;
      } finally {
        scope.end();
        // A connection whose ROLLBACK failed may still hold the transaction: the pool drops it.
        client.release(broken);
      }
    },
    close: () => (closing ??= pool.end()),
  };
}
