import type { fromPglite } from 'pg-boss';

/**
 * The service's one way to Postgres: the same SQL runs on the embedded PGlite (no server, data in a folder)
 * and on a real server (`DATABASE_URL`). Both drivers return the same JavaScript types: timestamptz as Date,
 * jsonb as parsed values, int8 and bigserial as number, numeric as string. Parameters: pass a jsonb value as
 * a plain object or as JSON text (`JSON.stringify`); a JavaScript array is a Postgres array on the server.
 */
/**
 * How the job queue (pg-boss) reaches the same database: PGlite's own instance (one connection, shared), or the
 * server's URL (the queue keeps its own pool).
 */
export type QueueConnection = { pglite: Parameters<typeof fromPglite>[0] } | { connectionString: string };

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  /** Set on the Db `openDb` returns (not on a transaction's): where the job queue connects. */
  readonly queue?: QueueConnection;
  /** One statement with `$1`-style parameters; the rows it returns. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** A script of several statements and no parameters (a migration); nothing comes back. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws (or
   * when a statement in it failed, even if `fn` caught that). The `Db` it gets runs its statements one at a
   * time; a `tx` on it is a savepoint.
   */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Ends every connection (and PGlite's hold on its folder); calling it again waits for the same end. */
  close(): Promise<void>;
}
