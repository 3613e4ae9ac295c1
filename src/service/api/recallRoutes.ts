import type { FastifyInstance, FastifyRequest } from 'fastify';
import { botConfigJsonSchema } from '../../config/reference.js';
import { createBot, deleteMedia, leaveBot, recordingOf, rescheduleJoin, sendChat, type ServiceContext } from '../botActions.js';
import { decodeCursor, deleteUnstartedBot, findBot, listBots, type BotRow } from '../store/bots.js';
import { statusEventsOf } from '../store/events.js';
import { ApiError, notFound } from './errors.js';
import { jsonObject, linkBase, projectOf } from './requests.js';
import { recallBot, recallRecordings, type RecallBot } from './recallView.js';

const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;

interface IdParams {
  id: string;
}

/** Recall.ai's bot endpoints (bot-api.md sections 1, 11): create, list, retrieve, delete, leave, chat, delete media. */
export function recallRoutes(ctx: ServiceContext) {
  return function routes(app: FastifyInstance, _opts: unknown, done: () => void): void {
    const view = async (req: FastifyRequest, bot: BotRow): Promise<RecallBot> => {
      const events = (await statusEventsOf(ctx.db, [bot.id])).get(bot.id) ?? [];
      const recording = await recordingOf(ctx, bot);
      return recallBot(bot, events, recallRecordings(bot, events, recording, (a) => ctx.media.url(linkBase(ctx.publicUrl, req), bot.id, a.kind)));
    };
    const botOf = async (req: FastifyRequest<{ Params: IdParams }>): Promise<BotRow> => {
      const bot = await findBot(ctx.db, projectOf(req).id, req.params.id);
      if (!bot || bot.id !== req.params.id) throw notFound('recall');
      return bot;
    };
    const tags = ['Recall.ai'];

    app.post('/api/v1/bot/', { schema: { tags, summary: 'Create a bot', body: botConfigJsonSchema() } }, async (req, reply) => {
      const bot = await createBot(ctx, projectOf(req), 'recall', typeof req.body === 'string' ? req.body : '');
      return reply.status(201).send(await view(req, bot));
    });

    app.get<{ Querystring: Record<string, string | undefined> }>('/api/v1/bot/', { schema: { tags, summary: 'List bots' } }, async (req) => {
      const q = req.query;
      const size = q.page_size === undefined ? PAGE_SIZE : Number(q.page_size);
      if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new ApiError(400, 'invalid page_size', [{ path: 'page_size', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }]);
      if (q.cursor !== undefined && !decodeCursor(q.cursor)) throw new ApiError(400, 'invalid cursor', [{ path: 'cursor', message: 'is not a cursor this API returned' }]);
      const after = date(q.created_at_after, 'created_at_after');
      const before = date(q.created_at_before, 'created_at_before');
      const page = await listBots(
        ctx.db,
        projectOf(req).id,
        { ...(q.status ? { status: q.status.split(',') } : {}), ...(q.meeting_url ? { meetingUrl: q.meeting_url } : {}), ...(after ? { createdAfter: after } : {}), ...(before ? { createdBefore: before } : {}) },
        q.cursor ?? null,
        size,
      );
      const next = page.next ? nextUrl(req, page.next) : null;
      return { next, previous: null, results: await Promise.all(page.rows.map((b) => view(req, b))) };
    });

    app.get<{ Params: IdParams }>('/api/v1/bot/:id/', { schema: { tags, summary: 'Retrieve a bot' } }, async (req) => view(req, await botOf(req)));

    app.delete<{ Params: IdParams }>('/api/v1/bot/:id/', { schema: { tags, summary: 'Delete a bot that has not started' } }, async (req, reply) => {
      const bot = await botOf(req);
      if (!(await deleteUnstartedBot(ctx.db, bot.id))) throw new ApiError(409, `only a bot that has not started can be deleted (this one is ${bot.status})`);
      return reply.status(204).send();
    });

    app.patch<{ Params: IdParams }>('/api/v1/bot/:id/', { schema: { tags, summary: "Change a scheduled bot's join_at" } }, async (req) => {
      const bot = await botOf(req);
      return view(req, await rescheduleJoin(ctx, bot, jsonObject(req.body)));
    });

    app.post<{ Params: IdParams }>('/api/v1/bot/:id/leave_call/', { schema: { tags, summary: 'Tell the bot to leave' } }, async (req) => {
      const bot = await botOf(req);
      await leaveBot(ctx, bot);
      return view(req, (await findBot(ctx.db, bot.project_id, bot.id))!);
    });

    app.post<{ Params: IdParams }>('/api/v1/bot/:id/send_chat_message/', { schema: { tags, summary: 'Send a chat message to everyone' } }, async (req, reply) => {
      const bot = await botOf(req);
      const body = jsonObject(req.body);
      if (body.to !== undefined && body.to !== 'everyone') throw new ApiError(400, 'invalid recipient', [{ path: 'to', message: 'only "everyone" is supported' }]);
      const sent = await sendChat(ctx, bot, body.message);
      if (sent.completed_at && !sent.ok) throw new ApiError(409, sent.error ?? 'the bot could not send the message');
      return reply.status(sent.completed_at ? 200 : 202).send({ id: sent.id, message: body.message, to: 'everyone', status: sent.completed_at ? 'sent' : 'queued' });
    });

    app.post<{ Params: IdParams }>('/api/v1/bot/:id/delete_media/', { schema: { tags, summary: "Delete the bot's recording" } }, async (req) => {
      const bot = await botOf(req);
      await deleteMedia(ctx, bot, false);
      return view(req, (await findBot(ctx.db, bot.project_id, bot.id))!);
    });
    done();
  };
}

function date(value: string | undefined, field: string): Date | null {
  if (value === undefined) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new ApiError(400, `invalid ${field}`, [{ path: field, message: 'must be an ISO-8601 date-time' }]);
  return d;
}

function nextUrl(req: FastifyRequest, cursor: string): string {
  const url = new URL(req.url, `${req.protocol}://${req.host}`);
  url.searchParams.set('cursor', cursor);
  return url.toString();
}
