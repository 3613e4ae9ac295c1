import type { Db } from '../db/db.js';
import { hashSecret, newApiKey, newProjectId } from '../ids.js';

export interface Project {
  id: string;
  name: string;
  max_live_bots: number;
  webhook_url: string | null;
  webhook_secret: string | null;
}

export interface ProjectSettings {
  maxLiveBots?: number;
  webhookUrl?: string | null;
  webhookSecret?: string | null;
}

/** The project of this name, created with `settings` when missing, updated with the settings given when present. */
export async function ensureProject(db: Db, name: string, settings: ProjectSettings = {}): Promise<Project> {
  const [row] = await db.query<Project>(
    `INSERT INTO projects (id, name, max_live_bots, webhook_url, webhook_secret)
     VALUES ($1, $2, COALESCE($3, 20), $4, $5)
     ON CONFLICT (name) DO UPDATE SET
       max_live_bots = COALESCE($3, projects.max_live_bots),
       webhook_url = CASE WHEN $6 THEN $4 ELSE projects.webhook_url END,
       webhook_secret = CASE WHEN $7 THEN $5 ELSE projects.webhook_secret END
     RETURNING id, name, max_live_bots, webhook_url, webhook_secret`,
    [
      newProjectId(),
      name,
      settings.maxLiveBots ?? null,
      settings.webhookUrl ?? null,
      settings.webhookSecret ?? null,
      settings.webhookUrl !== undefined,
      settings.webhookSecret !== undefined,
    ],
  );
  return row!;
}

/** A new API key of the project: the key itself is returned once and only its hash is kept. */
export async function createApiKey(db: Db, projectId: string): Promise<{ id: string; key: string; prefix: string }> {
  const k = newApiKey();
  await db.query('INSERT INTO api_keys (id, project_id, key_hash, prefix) VALUES ($1, $2, $3, $4)', [k.id, projectId, k.hash, k.prefix]);
  return { id: k.id, key: k.key, prefix: k.prefix };
}

/** The project an API key belongs to, or null for an unknown or revoked key. */
export async function projectForKey(db: Db, key: string): Promise<Project | null> {
  const [row] = await db.query<Project>(
    `SELECT p.id, p.name, p.max_live_bots, p.webhook_url, p.webhook_secret
       FROM api_keys k JOIN projects p ON p.id = k.project_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashSecret(key)],
  );
  return row ?? null;
}

export async function revokeApiKey(db: Db, keyId: string): Promise<boolean> {
  const rows = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [keyId]);
  return rows.length > 0;
}

export async function projectById(db: Db, id: string): Promise<Project | null> {
  const [row] = await db.query<Project>('SELECT id, name, max_live_bots, webhook_url, webhook_secret FROM projects WHERE id = $1', [id]);
  return row ?? null;
}
