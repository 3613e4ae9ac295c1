import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db } from './db.js';
import { lockDir } from './dirLock.js';
import { txScope, type TxStatements } from './txScope.js';

const INT8 = 20;

/**
 * A `Db` on PGlite, the embedded Postgres, with its data in `dir` (created if missing; held by this process
 * until `close`). One connection: PGlite queues every query behind a running transaction, so a transaction
 * never sees another caller's statements.
 *
 * Durability: PGlite writes each file straight through Node's fs and a commit writes its WAL before it
 * returns, so a committed row survives the process being killed (SIGKILL included) and the folder reopens
 * after recovery (test/service/db.test.ts proves both). PGlite never fsyncs (it runs Postgres with fsync off,
 * and its Node filesystem has no sync), so a crash of the machine itself may lose the last commits: a
 * deployment that must survive that uses a Postgres server (`DATABASE_URL`).
 */
export async function openPglite(dir: string): Promise<Db> {
  mkdirSync(dir, { recursive: true });
  const release = await lockDir(dir);
  let pglite: PGlite;
  try {
    // int8 always as number, as the pg driver is set up: PGlite would give a BigInt past 2^53.
    pglite = await PGlite.create(dir, { parsers: { [INT8]: (value: string) => Number(value) } });
  } catch (err) {
    await release();
    throw err;
  }
  const statements = (target: Pick<PGlite, 'query' | 'exec'>): TxStatements => ({
    query: async <R>(sql: string, params: readonly unknown[] = []) => (await target.query<R>(sql, [...params])).rows,
    exec: async (sql: string) => {
      await target.exec(sql);
    },
  });
  const outside = statements(pglite);
  let closing: Promise<void> | undefined;
  return {
    kind: 'pglite',
    queue: { pglite },
    query: outside.query,
    exec: outside.exec,
    tx: (fn) =>
      pglite.transaction(async (t) => {
        const scope = txScope('pglite', statements(t));
        try {
          return await fn(scope.db);
        } finally {
          scope.end();
        }
      }),
    close: () =>
      (closing ??= (async () => {
        try {
          await pglite.close();
        } finally {
          await release();
        }
      })()),
  };
}
