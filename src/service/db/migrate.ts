import type { Db } from './db.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/**
 * Every migration step holds this transaction-scoped advisory lock, so services starting at once on one server
 * take turns: the first applies a migration, the others find it recorded. (PGlite has one connection; the lock
 * is free there.)
 */
const MIGRATION_LOCK = 'SELECT pg_advisory_xact_lock(8311905221044)';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

async function appliedIds(db: Db): Promise<Set<number>> {
  const rows = await db.query<{ id: number }>('SELECT id FROM schema_migrations');
  return new Set(rows.map((r) => r.id));
}

/** Refuses a database that a newer service has migrated: this code would misread a schema it does not know. */
function refuseUnknown(applied: Set<number>, migrations: readonly Migration[]): void {
  const known = new Set(migrations.map((m) => m.id));
  const unknown = [...applied].filter((id) => !known.has(id)).sort((a, b) => a - b);
  if (unknown.length > 0) {
    throw new Error(
      `the database has migration ${unknown.join(', ')}, which this meetbot does not know (a newer version wrote it): run that version or newer`,
    );
  }
}

/**
 * Brings the schema up to date: creates `schema_migrations`, then applies each migration it lacks, in id
 * order, each in its own transaction with its record, so a failure leaves the schema at the last one applied.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  const applied = await db.tx(async (t) => {
    await t.query(MIGRATION_LOCK);
    await t.exec(CREATE_TABLE);
    return appliedIds(t);
  });
  refuseUnknown(applied, migrations);
  const pending = migrations.filter((m) => !applied.has(m.id)).sort((a, b) => a.id - b.id);
  for (const migration of pending) {
    await db.tx(async (t) => {
      await t.query(MIGRATION_LOCK);
      const now = await appliedIds(t);
      refuseUnknown(now, migrations);
      // Another service applied it while this one waited for the lock.
      if (now.has(migration.id)) return;
      await t.exec(migration.sql);
      await t.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
    });
  }
}
