import type { AccountPlatform } from '../../account/credential.js';
import type { Db } from '../db/db.js';

/** A project's stored account for one platform: the credential sealed (credentialCipher.ts), what may be shown of it in the clear. */
export interface LoginGroupRow {
  id: string;
  project_id: string;
  platform: AccountPlatform;
  name: string;
  is_default: boolean;
  sealed_credential: string;
  email: string | null;
  has_session: boolean;
  has_password: boolean;
  /** When a bot last wrote the session back (or the saved_at the operator's credential came with). */
  saved_at: Date | null;
  /** When the operator last set the credential: a session from a bot launched before then is not stored over it. */
  replaced_at: Date;
  created_at: Date;
  updated_at: Date;
}

/** The clear columns of a credential, beside its sealed text. */
export interface SealedCredential {
  sealed_credential: string;
  email: string | null;
  has_session: boolean;
  has_password: boolean;
  saved_at: Date | null;
}

const UNIQUE_VIOLATION = '23505';

/** Creates a group; 'name_taken' when the project already has one of that name for the platform. */
export async function insertLoginGroup(
  db: Db,
  group: { id: string; projectId: string; platform: AccountPlatform; name: string; isDefault: boolean } & SealedCredential,
): Promise<LoginGroupRow | 'name_taken'> {
  try {
    return await db.tx(async (tx) => {
      if (group.isDefault) await clearDefault(tx, group.projectId, group.platform);
      const [row] = await tx.query<LoginGroupRow>(
        `INSERT INTO login_groups (id, project_id, platform, name, is_default, sealed_credential, email, has_session, has_password, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [group.id, group.projectId, group.platform, group.name, group.isDefault, group.sealed_credential, group.email, group.has_session, group.has_password, group.saved_at],
      );
      return row!;
    });
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return 'name_taken';
    throw err;
  }
}

/** Changes a group's name, default mark or credential (a new credential is the operator's: `replaced_at` moves). */
export async function updateLoginGroup(
  db: Db,
  current: LoginGroupRow,
  changes: { name?: string; isDefault?: boolean; credential?: SealedCredential },
): Promise<LoginGroupRow | 'name_taken'> {
  const c = changes.credential;
  try {
    return await db.tx(async (tx) => {
      if (changes.isDefault) await clearDefault(tx, current.project_id, current.platform);
      const [row] = await tx.query<LoginGroupRow>(
        `UPDATE login_groups SET name = COALESCE($2, name), is_default = COALESCE($3, is_default),
           sealed_credential = CASE WHEN $4 THEN $5 ELSE sealed_credential END, email = CASE WHEN $4 THEN $6 ELSE email END,
           has_session = CASE WHEN $4 THEN $7 ELSE has_session END, has_password = CASE WHEN $4 THEN $8 ELSE has_password END,
           saved_at = CASE WHEN $4 THEN $9 ELSE saved_at END, replaced_at = CASE WHEN $4 THEN now() ELSE replaced_at END,
           updated_at = now()
         WHERE id = $1 RETURNING *`,
        [current.id, changes.name ?? null, changes.isDefault ?? null, c !== undefined, c?.sealed_credential ?? null, c?.email ?? null, c?.has_session ?? null, c?.has_password ?? null, c?.saved_at ?? null],
      );
      return row!;
    });
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return 'name_taken';
    throw err;
  }
}

async function clearDefault(tx: Db, projectId: string, platform: AccountPlatform): Promise<void> {
  await tx.query('UPDATE login_groups SET is_default = false, updated_at = now() WHERE project_id = $1 AND platform = $2 AND is_default', [projectId, platform]);
}

/** The project's groups, oldest first (optionally of one platform). */
export async function loginGroupsOf(db: Db, projectId: string, platform?: AccountPlatform): Promise<LoginGroupRow[]> {
  return platform
    ? db.query<LoginGroupRow>('SELECT * FROM login_groups WHERE project_id = $1 AND platform = $2 ORDER BY created_at, id', [projectId, platform])
    : db.query<LoginGroupRow>('SELECT * FROM login_groups WHERE project_id = $1 ORDER BY created_at, id', [projectId]);
}

/** A group of the project by id; another project's group is not found. */
export async function loginGroupById(db: Db, projectId: string, id: string): Promise<LoginGroupRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.query<LoginGroupRow>('SELECT * FROM login_groups WHERE id = $1 AND project_id = $2', [id, projectId]);
  return row ?? null;
}

export async function loginGroupByName(db: Db, projectId: string, platform: AccountPlatform, name: string): Promise<LoginGroupRow | null> {
  const [row] = await db.query<LoginGroupRow>('SELECT * FROM login_groups WHERE project_id = $1 AND platform = $2 AND name = $3', [projectId, platform, name]);
  return row ?? null;
}

/** The project's default group of a platform: the one marked default, else the oldest (Attendee's rule). */
export async function defaultLoginGroup(db: Db, projectId: string, platform: AccountPlatform): Promise<LoginGroupRow | null> {
  const [row] = await db.query<LoginGroupRow>(
    'SELECT * FROM login_groups WHERE project_id = $1 AND platform = $2 ORDER BY is_default DESC, created_at, id LIMIT 1',
    [projectId, platform],
  );
  return row ?? null;
}

export async function deleteLoginGroup(db: Db, projectId: string, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM login_groups WHERE id = $1 AND project_id = $2 RETURNING id', [id, projectId])).length > 0;
}

/**
 * Stores a session a bot wrote back, unless a newer one is stored already (the newest `saved_at` wins) or the
 * operator set the credential after the bot was launched. Returns whether it was stored.
 */
export async function storeSession(db: Db, id: string, credential: SealedCredential, launchedAt: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE login_groups SET sealed_credential = $2, has_session = $3, saved_at = $4, updated_at = now()
      WHERE id = $1 AND replaced_at <= $5 AND (saved_at IS NULL OR saved_at < $4) RETURNING id`,
    [id, credential.sealed_credential, credential.has_session, credential.saved_at, launchedAt],
  );
  return rows.length > 0;
}
