import type { LoggedEvent } from '../events/botEvents.js';
import { newWebhookId, webhookBodyOf } from '../events/statusWebhook.js';
import type { StatusCode } from '../lifecycle/codes.js';
import type { Db } from './db/db.js';
import { botById, type BotRow } from './store/bots.js';
import { recordEvent, type OutgoingWebhook, type StoredEvent } from './store/events.js';
import { projectById, type Project } from './store/projects.js';
import type { WebhookSender } from './webhookSender.js';

/**
 * Status endpoints of a bot: its own `webhooks` (Attendee: they replace the project's), else the project's. They
 * get the recording's outcome too (Recall sends every event to its endpoints; an Attendee state_change subscriber
 * learns the recording is ready from it).
 */
function endpointsOf(bot: BotRow, project: Project): string[] {
  const own = Array.isArray(bot.body.webhooks) ? (bot.body.webhooks as { url?: unknown; triggers?: unknown }[]) : [];
  if (own.length > 0) {
    return own
      .filter((w) => typeof w.url === 'string' && Array.isArray(w.triggers) && (w.triggers.includes('bot.state_change') || w.triggers.includes('*')))
      .map((w) => w.url as string);
  }
  return project.webhook_url ? [project.webhook_url] : [];
}

/**
 * The one way anything a bot did is recorded: its own reports (from its channel) and what the service knows for
 * it (`ready` at creation, a launch that failed, a process that died without a word). Storing the event, moving
 * the bot's status and queueing its webhooks happen in one transaction.
 */
export class BotRecords {
  constructor(
    private readonly db: Db,
    private readonly webhooks: WebhookSender,
  ) {}

  /** Returns whether the event was new (a resent one changes nothing). */
  async record(botId: string, seq: number | null, body: StoredEvent['body']): Promise<boolean> {
    const bot = await botById(this.db, botId);
    if (!bot) return false;
    // The bot's own event, as it wrote it: a status or a recording's outcome becomes a webhook, the rest does not.
    const payload = webhookBodyOf(body as unknown as LoggedEvent, { id: bot.api === 'attendee' ? bot.public_id : bot.id, metadata: bot.metadata });
    const project = payload ? await projectById(this.db, bot.project_id) : null;
    const webhooks = (): OutgoingWebhook[] =>
      project && payload ? endpointsOf(bot, project).map((url) => ({ id: newWebhookId(), url, secret: project.webhook_secret, body: payload })) : [];
    const fresh = await recordEvent(this.db, botId, seq, body, webhooks);
    if (fresh && payload) this.webhooks.wake();
    return fresh;
  }

  /** A status change the service itself observed (the bot could not say it). */
  status(botId: string, code: StatusCode, subCode: string | null, detail?: Record<string, unknown>): Promise<boolean> {
    return this.record(botId, null, { event: `bot.${code}`, code, sub_code: subCode, created_at: new Date().toISOString(), ...(detail ? { detail } : {}) });
  }
}
