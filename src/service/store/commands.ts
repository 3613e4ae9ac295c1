import { randomUUID } from 'node:crypto';
import type { BotCommand } from '../../control/protocol.js';
import type { Db } from '../db/db.js';

export interface CommandRow {
  id: string;
  bot_id: string;
  kind: BotCommand['kind'];
  payload: BotCommand;
  created_at: Date;
  sent_at: Date | null;
  completed_at: Date | null;
  ok: boolean | null;
  error: string | null;
}

/** Stores a command for a bot; it is sent when the bot is connected, and again after a reconnect until answered. */
export async function queueCommand(db: Db, botId: string, command: BotCommand): Promise<CommandRow> {
  const [row] = await db.query<CommandRow>('INSERT INTO bot_commands (id, bot_id, kind, payload) VALUES ($1, $2, $3, $4) RETURNING *', [
    `cmd_${randomUUID()}`,
    botId,
    command.kind,
    command,
  ]);
  return row!;
}

export async function openCommands(db: Db, botId: string): Promise<CommandRow[]> {
  return db.query<CommandRow>('SELECT * FROM bot_commands WHERE bot_id = $1 AND completed_at IS NULL ORDER BY created_at, id', [botId]);
}

export async function markCommandSent(db: Db, id: string): Promise<void> {
  await db.query('UPDATE bot_commands SET sent_at = COALESCE(sent_at, now()) WHERE id = $1', [id]);
}

/** Records the bot's answer; a repeated answer (after a resend) keeps the first. */
export async function completeCommand(db: Db, botId: string, id: string, ok: boolean, error: string | null): Promise<void> {
  await db.query('UPDATE bot_commands SET completed_at = now(), ok = $3, error = $4 WHERE id = $2 AND bot_id = $1 AND completed_at IS NULL', [
    botId,
    id,
    ok,
    error,
  ]);
}

/** Commands of a bot that ended can no longer be carried out. */
export async function failOpenCommands(db: Db, botId: string, error: string): Promise<void> {
  await db.query('UPDATE bot_commands SET completed_at = now(), ok = false, error = $2 WHERE bot_id = $1 AND completed_at IS NULL', [botId, error]);
}

export async function commandById(db: Db, id: string): Promise<CommandRow | null> {
  const [row] = await db.query<CommandRow>('SELECT * FROM bot_commands WHERE id = $1', [id]);
  return row ?? null;
}
