import type { Db } from '../db/db.js';

export type ArtifactKind = 'recording' | 'participants' | 'chat' | 'manifest' | 'events';

export interface ArtifactRow {
  bot_id: string;
  kind: ArtifactKind;
  /** Where the bytes are: a local path for the process launcher (object-store URIs come with the next launcher). */
  location: string;
  content_type: string;
  size_bytes: number | null;
  created_at: Date;
  deleted_at: Date | null;
}

export async function putArtifact(db: Db, a: Omit<ArtifactRow, 'created_at' | 'deleted_at'>): Promise<void> {
  await db.query(
    `INSERT INTO artifacts (bot_id, kind, location, content_type, size_bytes) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (bot_id, kind) DO UPDATE SET location = $3, content_type = $4, size_bytes = $5`,
    [a.bot_id, a.kind, a.location, a.content_type, a.size_bytes],
  );
}

export async function artifactsOf(db: Db, botId: string): Promise<ArtifactRow[]> {
  return db.query<ArtifactRow>('SELECT * FROM artifacts WHERE bot_id = $1 ORDER BY kind', [botId]);
}

export async function markArtifactsDeleted(db: Db, botId: string, kinds: readonly ArtifactKind[]): Promise<ArtifactRow[]> {
  return db.query<ArtifactRow>('UPDATE artifacts SET deleted_at = now() WHERE bot_id = $1 AND kind = ANY($2) AND deleted_at IS NULL RETURNING *', [botId, kinds]);
}
