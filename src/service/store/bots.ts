import type { Db } from '../db/db.js';

export type ApiShape = 'recall' | 'attendee';

/** How a bot's body asks it to sign in: the mode, and the login group it named (null: the project's default). */
export interface BotSignIn {
  mode: 'always' | 'only_if_required';
  group_id: string | null;
}

export interface BotRow {
  id: string;
  public_id: string;
  project_id: string;
  api: ApiShape;
  body: Record<string, unknown>;
  meeting_url: string;
  /** Recall's object form of the meeting URL (platform, meeting id; never the password). */
  meeting: Record<string, string | null>;
  bot_name: string;
  metadata: Record<string, string>;
  deduplication_key: string | null;
  status: string;
  sub_code: string | null;
  live: boolean;
  join_at: Date | null;
  launcher: string | null;
  launch_ref: string | null;
  out_dir: string | null;
  launched_at: Date | null;
  created_at: Date;
  updated_at: Date;
  media_deleted_at: Date | null;
  data_deleted_at: Date | null;
  /** null: the body asks for no sign-in (the bot joins signed out). */
  sign_in: BotSignIn | null;
  /** The login group whose credential the current run was given. */
  login_group_id: string | null;
  /** The wall (sub_code) a signed-out first run met, when the service launches the bot once more signed in. */
  sign_in_retry: string | null;
  /** 1, or 2 for the signed-in retry. */
  run: number;
}

export interface NewBot {
  id: string;
  publicId: string;
  projectId: string;
  api: ApiShape;
  body: Record<string, unknown>;
  meetingUrl: string;
  meeting: Record<string, string | null>;
  botName: string;
  metadata: Record<string, string>;
  deduplicationKey: string | null;
  joinAt: Date | null;
  signIn: BotSignIn | null;
}

/** Why a bot was not created: a live bot already holds the key, or the project is at its limit of live bots. */
export type CreateRefusal = { refused: 'deduplication_key_in_use' } | { refused: 'live_bot_limit'; limit: number };

const UNIQUE_VIOLATION = '23505';

/**
 * Inserts a bot in `ready`, unless the project already has `maxLive` live bots or a live bot holds the
 * deduplication key. The count and the insert share a transaction holding the project's row lock, so two
 * concurrent creates cannot both take the last place.
 */
export async function insertBot(db: Db, bot: NewBot, maxLive: number): Promise<BotRow | CreateRefusal> {
  try {
    return await db.tx(async (tx) => {
      await tx.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [bot.projectId]);
      const [{ n }] = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM bots WHERE project_id = $1 AND live', [bot.projectId])) as [{ n: number }];
      if (n >= maxLive) return { refused: 'live_bot_limit', limit: maxLive } as const;
      const [row] = await tx.query<BotRow>(
        `INSERT INTO bots (id, public_id, project_id, api, body, meeting_url, meeting, bot_name, metadata, deduplication_key, join_at, sign_in)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
        [bot.id, bot.publicId, bot.projectId, bot.api, bot.body, bot.meetingUrl, bot.meeting, bot.botName, bot.metadata, bot.deduplicationKey, bot.joinAt, bot.signIn],
      );
      return row!;
    });
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return { refused: 'deduplication_key_in_use' };
    throw err;
  }
}

/** A bot of the project by either of its ids; another project's bot is not found. */
export async function findBot(db: Db, projectId: string, id: string): Promise<BotRow | null> {
  const column = id.startsWith('bot_') ? 'public_id' : 'id';
  if (column === 'id' && !/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.query<BotRow>(`SELECT * FROM bots WHERE ${column} = $1 AND project_id = $2`, [id, projectId]);
  return row ?? null;
}

export async function botById(db: Db, id: string): Promise<BotRow | null> {
  const [row] = await db.query<BotRow>('SELECT * FROM bots WHERE id = $1', [id]);
  return row ?? null;
}

export interface BotFilter {
  status?: string[];
  meetingUrl?: string;
  createdAfter?: Date;
  createdBefore?: Date;
}

export interface Page {
  rows: BotRow[];
  /** Cursor of the next page, or null on the last one. */
  next: string | null;
}

/** Newest first, keyset pagination on (created_at, id): stable while bots are being created. */
export async function listBots(db: Db, projectId: string, filter: BotFilter, cursor: string | null, limit: number): Promise<Page> {
  const where = ['project_id = $1'];
  const params: unknown[] = [projectId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.status?.length) add('status = ANY(?)', filter.status);
  if (filter.meetingUrl) add('meeting_url = ?', filter.meetingUrl);
  if (filter.createdAfter) add('created_at >= ?', filter.createdAfter);
  if (filter.createdBefore) add('created_at < ?', filter.createdBefore);
  const after = cursor ? decodeCursor(cursor) : null;
  if (after) {
    params.push(after.createdAt, after.id);
    where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(limit + 1);
  const rows = await db.query<BotRow>(`SELECT * FROM bots WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? encodeCursor(last) : null };
}

function encodeCursor(row: BotRow): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

/** A cursor the service made, or null for anything else (a tampered cursor is a bad request, not a crash). */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    return { createdAt: new Date(at), id };
  } catch {
    return null;
  }
}

/**
 * Takes a bot for launching, with the hash of its channel token (stored before the bot can connect). The claim
 * names the dispatch job: a retry of the same job (its worker died between claim and launch) may take it again;
 * any other claimant finds it taken. false when taken, deleted or ended meanwhile.
 */
export async function claimLaunch(db: Db, botId: string, tokenHash: string, launcher: string, jobId: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE bots SET launched_at = now(), control_token_hash = $2, launcher = $3, dispatch_job = $4, updated_at = now()
      WHERE id = $1 AND live AND launch_ref IS NULL AND (launched_at IS NULL OR dispatch_job = $4) RETURNING id`,
    [botId, tokenHash, launcher, jobId],
  );
  return rows.length > 0;
}

/** Gives back a claim whose launch failed: the bot's next dispatch (a new job) may take it. */
export async function releaseClaim(db: Db, botId: string): Promise<void> {
  await db.query('UPDATE bots SET launched_at = NULL, dispatch_job = NULL, updated_at = now() WHERE id = $1 AND launch_ref IS NULL', [botId]);
}

/** A new join_at for a bot that has not been launched; false when it has (or is gone). */
export async function rescheduleBot(db: Db, botId: string, joinAt: Date | null): Promise<BotRow | null> {
  const [row] = await db.query<BotRow>('UPDATE bots SET join_at = $2, updated_at = now() WHERE id = $1 AND live AND launched_at IS NULL RETURNING *', [botId, joinAt]);
  return row ?? null;
}

/** Bots created to start now that no service has started yet (they count against the capacity). */
export async function waitingBots(db: Db, warmStartMs: number): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM bots WHERE live AND launched_at IS NULL AND (join_at IS NULL OR join_at <= now() + make_interval(secs => $1))",
    [warmStartMs / 1000],
  );
  return row?.n ?? 0;
}

export async function markLaunched(db: Db, botId: string, ref: string, outDir: string, loginGroupId: string | null): Promise<void> {
  await db.query('UPDATE bots SET launch_ref = $2, out_dir = $3, login_group_id = $4, updated_at = now() WHERE id = $1', [botId, ref, outDir, loginGroupId]);
}

/** Notes that the first run met `wall` signed out and is to be followed by a signed-in run; false when that is not the case any more. */
export async function planSignInRetry(db: Db, botId: string, wall: string): Promise<boolean> {
  const rows = await db.query('UPDATE bots SET sign_in_retry = COALESCE(sign_in_retry, $2), updated_at = now() WHERE id = $1 AND live AND run = 1 RETURNING id', [botId, wall]);
  return rows.length > 0;
}

/**
 * Makes the bot launchable again as its second run, once its first is gone: a new claim and channel token come
 * with the launch, and the first run's events lose their seq (the new run numbers its own from 1).
 */
export async function prepareSecondRun(db: Db, botId: string): Promise<BotRow | null> {
  return db.tx(async (tx) => {
    const [row] = await tx.query<BotRow>(
      `UPDATE bots SET run = 2, launch_ref = NULL, out_dir = NULL, launched_at = NULL, dispatch_job = NULL, control_token_hash = NULL,
         login_group_id = NULL, updated_at = now()
       WHERE id = $1 AND live AND run = 1 AND sign_in_retry IS NOT NULL RETURNING *`,
      [botId],
    );
    if (row) await tx.query('UPDATE bot_events SET bot_seq = NULL WHERE bot_id = $1', [botId]);
    return row ?? null;
  });
}

/**
 * Bots a launcher started that have not ended: the ones to find again after a restart. (One claimed but never
 * started is its dispatch job's: the queue hands that job to another worker.)
 */
export async function launchedLiveBots(db: Db): Promise<BotRow[]> {
  return db.query<BotRow>('SELECT * FROM bots WHERE live AND launch_ref IS NOT NULL ORDER BY created_at');
}

export async function controlTokenHash(db: Db, botId: string): Promise<string | null> {
  const [row] = await db.query<{ control_token_hash: string | null }>('SELECT control_token_hash FROM bots WHERE id = $1', [botId]);
  return row?.control_token_hash ?? null;
}

/** Deletes a bot that never started (Recall's DELETE); false when it has started or is gone. */
export async function deleteUnstartedBot(db: Db, botId: string): Promise<boolean> {
  const rows = await db.query("DELETE FROM bots WHERE id = $1 AND launched_at IS NULL AND status = 'ready' RETURNING id", [botId]);
  return rows.length > 0;
}

export async function markMediaDeleted(db: Db, botId: string, allData: boolean): Promise<void> {
  await db.query(
    `UPDATE bots SET media_deleted_at = COALESCE(media_deleted_at, now()),
       data_deleted_at = CASE WHEN $2 THEN COALESCE(data_deleted_at, now()) ELSE data_deleted_at END, updated_at = now() WHERE id = $1`,
    [botId, allData],
  );
}
