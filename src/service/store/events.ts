import type { Db } from '../db/db.js';

export interface StoredEvent {
  id: number;
  bot_id: string;
  bot_seq: number | null;
  event: string;
  body: Record<string, unknown> & { event: string; created_at: string };
  created_at: Date;
}

/** A webhook to send for a stored event (a status, a recording's outcome): the exact body, to one endpoint. */
export interface OutgoingWebhook {
  id: string;
  url: string;
  secret: string | null;
  body: string;
}

const TERMINAL = new Set(['done', 'fatal']);

/** The status code of a `bot.<code>` status event, or null for other events. */
export function statusOf(body: { event: string; code?: unknown }): string | null {
  return typeof body.code === 'string' && body.event === `bot.${body.code}` ? body.code : null;
}

/**
 * Stores one event of a bot, at most once (`seq` is the bot's own numbering; null for events the service itself
 * records), and in the same transaction moves the bot's status (a status event) and queues its webhooks. A resent event changes
 * nothing and queues nothing: a restart of either side never sends a webhook twice. Returns whether it was new.
 */
export async function recordEvent(
  db: Db,
  botId: string,
  seq: number | null,
  body: StoredEvent['body'],
  webhooks: (eventId: number) => OutgoingWebhook[],
): Promise<boolean> {
  return db.tx(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO bot_events (bot_id, bot_seq, event, body, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (bot_id, bot_seq) DO NOTHING RETURNING id`,
      [botId, seq, body.event, body, body.created_at],
    );
    if (!row) return false;
    const code = statusOf(body);
    if (code !== null) {
      const subCode = typeof body.sub_code === 'string' ? body.sub_code : null;
      // A terminal status is final: a late event of a bot the service already gave up on never revives it.
      await tx.query('UPDATE bots SET status = $2, sub_code = $3, live = $4, updated_at = now() WHERE id = $1 AND live', [botId, code, subCode, !TERMINAL.has(code)]);
    }
    for (const w of webhooks(row.id)) {
      await tx.query('INSERT INTO webhook_deliveries (id, bot_id, event_id, url, secret, body) VALUES ($1, $2, $3, $4, $5, $6)', [w.id, botId, row.id, w.url, w.secret, w.body]);
    }
    return true;
  });
}

/** The highest seq stored for the bot: what its channel's `welcome` tells it. */
export async function lastBotSeq(db: Db, botId: string): Promise<number> {
  const [row] = await db.query<{ seq: number | null }>('SELECT max(bot_seq) AS seq FROM bot_events WHERE bot_id = $1', [botId]);
  return row?.seq ?? 0;
}

/** The bot's events in the order they happened (optionally only those whose name starts with `prefix`). */
export async function botEvents(db: Db, botId: string, prefix?: string): Promise<StoredEvent[]> {
  return prefix
    ? db.query<StoredEvent>("SELECT * FROM bot_events WHERE bot_id = $1 AND starts_with(event, $2) ORDER BY id", [botId, prefix])
    : db.query<StoredEvent>('SELECT * FROM bot_events WHERE bot_id = $1 ORDER BY id', [botId]);
}

/** Status events of many bots at once (the list endpoints), grouped by bot. */
export async function statusEventsOf(db: Db, botIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
  const byBot = new Map<string, StoredEvent[]>(botIds.map((id) => [id, []]));
  if (botIds.length === 0) return byBot;
  const rows = await db.query<StoredEvent>(
    "SELECT * FROM bot_events WHERE bot_id = ANY($1) AND body ? 'code' ORDER BY id",
    [botIds],
  );
  for (const r of rows) byBot.get(r.bot_id)?.push(r);
  return byBot;
}

/** Removes what participants said and did (Attendee's delete_data): chat and participant events. */
export async function deleteParticipantData(db: Db, botId: string): Promise<void> {
  await db.query("DELETE FROM bot_events WHERE bot_id = $1 AND starts_with(event, 'participant_events.')", [botId]);
}
