import type { Db } from './db.js';

/** What a driver's open transaction can run: statements on its one connection. */
export interface TxStatements {
  query: <R>(sql: string, params?: readonly unknown[]) => Promise<R[]>;
  exec: (sql: string) => Promise<void>;
}

/**
 * The `Db` handed to a transaction's function. A `tx` inside it is a savepoint, so a nested step that throws
 * undoes only its own writes; once the transaction has ended the handle refuses work, so a stray late query
 * can never run outside the transaction it was written for.
 */
export function txScope(kind: Db['kind'], on: TxStatements, depth = 1): { db: Db; end: () => void } {
  let ended = false;
  const open = () => {
    if (ended) throw new Error('this transaction has ended: use the Db it was opened on');
  };
  const db: Db = {
    kind,
    query: async <R>(sql: string, params?: readonly unknown[]) => {
      open();
      return on.query<R>(sql, params);
    },
    exec: async (sql) => {
      open();
      await on.exec(sql);
    },
    tx: async (fn) => {
      open();
      const savepoint = `meetbot_sp${depth}`;
      await on.exec(`SAVEPOINT ${savepoint}`);
      const inner = txScope(kind, on, depth + 1);
      try {
        const result = await fn(inner.db);
        await on.exec(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (err) {
        // If even this fails the transaction is aborted and its commit fails: the caller's error says more.
        await on.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
        throw err;
      } finally {
        inner.end();
      }
    },
    close: () => Promise.reject(new Error('a transaction is not closed: it ends with its function')),
  };
  return { db, end: () => void (ended = true) };
}
