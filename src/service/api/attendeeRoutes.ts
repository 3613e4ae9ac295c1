import type { FastifyInstance, FastifyRequest } from 'fastify';
import { botConfigJsonSchema } from '../../config/reference.js';
import { createBot, deleteMedia, leaveBot, recordingOf, rescheduleJoin, sendChat, type ServiceContext } from '../botActions.js';
import { deleteUnstartedBot, findBot, type BotRow } from '../store/bots.js';
import { botEvents, statusEventsOf } from '../store/events.js';
import { attendeeBot, type AttendeeBot } from './attendeeView.js';
import { ApiError, notFound } from './errors.js';
import { jsonObject, linkBase, projectOf } from './requests.js';

interface IdParams {
  id: string;
}

/** Attendee's bot endpoints (bot-api.md sections 1, 11). */
export function attendeeRoutes(ctx: ServiceContext) {
  return function routes(app: FastifyInstance, _opts: unknown, done: () => void): void {
    const view = async (bot: BotRow): Promise<AttendeeBot> => {
      const events = (await statusEventsOf(ctx.db, [bot.id])).get(bot.id) ?? [];
      return attendeeBot(bot, events, (await recordingOf(ctx, bot)) !== undefined);
    };
    const botOf = async (req: FastifyRequest<{ Params: IdParams }>): Promise<BotRow> => {
      const bot = req.params.id.startsWith('bot_') ? await findBot(ctx.db, projectOf(req).id, req.params.id) : null;
      if (!bot) throw notFound('attendee');
      return bot;
    };
    const tags = ['Attendee'];

    app.post('/api/v1/bots', { schema: { tags, summary: 'Create a bot', body: botConfigJsonSchema() } }, async (req, reply) => {
      const bot = await createBot(ctx, projectOf(req), 'attendee', typeof req.body === 'string' ? req.body : '');
      return reply.status(201).send(await view(bot));
    });

    app.get<{ Params: IdParams }>('/api/v1/bots/:id', { schema: { tags, summary: 'Retrieve a bot' } }, async (req) => view(await botOf(req)));

    app.patch<{ Params: IdParams }>('/api/v1/bots/:id', { schema: { tags, summary: "Change a scheduled bot's join_at" } }, async (req) => {
      const bot = await botOf(req);
      return view(await rescheduleJoin(ctx, bot, jsonObject(req.body)));
    });

    app.delete<{ Params: IdParams }>('/api/v1/bots/:id', { schema: { tags, summary: 'Delete a scheduled bot' } }, async (req, reply) => {
      const bot = await botOf(req);
      if (!(await deleteUnstartedBot(ctx.db, bot.id))) throw new ApiError(400, `only a scheduled bot can be deleted (this one is ${(await view(bot)).state})`);
      return reply.status(204).send();
    });

    app.post<{ Params: IdParams }>('/api/v1/bots/:id/leave', { schema: { tags, summary: 'Tell the bot to leave' } }, async (req) => {
      const bot = await botOf(req);
      await leaveBot(ctx, bot);
      return view((await findBot(ctx.db, bot.project_id, bot.id))!);
    });

    app.post<{ Params: IdParams }>('/api/v1/bots/:id/send_chat_message', { schema: { tags, summary: 'Send a chat message to everyone' } }, async (req, reply) => {
      const bot = await botOf(req);
      const body = jsonObject(req.body);
      if (body.to !== undefined && body.to !== 'everyone') throw new ApiError(400, 'invalid recipient', [{ path: 'to', message: 'only "everyone" is supported' }]);
      const sent = await sendChat(ctx, bot, body.text);
      if (sent.completed_at && !sent.ok) throw new ApiError(400, sent.error ?? 'the bot could not send the message');
      return reply.status(sent.completed_at ? 200 : 202).send({});
    });

    app.get<{ Params: IdParams }>('/api/v1/bots/:id/chat_messages', { schema: { tags, summary: 'Chat messages the bot saw' } }, async (req) => {
      const bot = await botOf(req);
      const rows = await botEvents(ctx.db, bot.id, 'participant_events.chat_message');
      return page(
        rows.map((e) => {
          const p = e.body.participant as { id: string; name: string };
          const data = e.body.data as { text: string; to: string };
          return { id: `msg_${e.id}`, text: data.text, timestamp: Math.floor(e.created_at.getTime() / 1000), timestamp_ms: e.created_at.getTime(), sender_name: p.name, sender_uuid: p.id, sender_user_uuid: null, to: data.to, additional_data: {} };
        }),
      );
    });

    app.get<{ Params: IdParams }>('/api/v1/bots/:id/participant_events', { schema: { tags, summary: 'Joins, leaves and speech of participants' } }, async (req) => {
      const bot = await botOf(req);
      const rows = (await botEvents(ctx.db, bot.id, 'participant_events.')).filter((e) => e.event !== 'participant_events.chat_message');
      return page(
        rows.map((e) => {
          const p = e.body.participant as { id: string; name: string };
          const kind = e.event.slice('participant_events.'.length);
          return {
            id: `pe_${e.id}`,
            participant_name: p.name,
            participant_uuid: p.id,
            participant_user_uuid: null,
            participant_is_host: false,
            event_type: kind === 'speech_on' ? 'speech_start' : kind === 'speech_off' ? 'speech_stop' : kind,
            event_data: {},
            timestamp_ms: e.created_at.getTime(),
          };
        }),
      );
    });

    app.get<{ Params: IdParams }>('/api/v1/bots/:id/recording', { schema: { tags, summary: 'A short-lived download URL of the recording' } }, async (req) => {
      const bot = await botOf(req);
      const recording = await recordingOf(ctx, bot);
      if (!recording) throw new ApiError(404, bot.live ? `the recording is not ready yet (the bot is ${bot.status})` : 'the bot has no recording');
      const started = (await statusEventsOf(ctx.db, [bot.id])).get(bot.id)?.find((e) => e.body.code === 'in_call_recording');
      return { url: ctx.media.url(linkBase(ctx.publicUrl, req), bot.id, 'recording'), start_timestamp_ms: started ? Date.parse(started.body.created_at) : null };
    });

    app.post<{ Params: IdParams }>('/api/v1/bots/:id/delete_data', { schema: { tags, summary: "Delete the bot's recording and participant data" } }, async (req) => {
      const bot = await botOf(req);
      await deleteMedia(ctx, bot, true);
      return view((await findBot(ctx.db, bot.project_id, bot.id))!);
    });
    done();
  };
}

/** Attendee's paginated list shape; the lists here are one page (a bot's messages and events are bounded by its run). */
function page<T>(results: T[]): { next: null; previous: null; results: T[] } {
  return { next: null, previous: null, results };
}
