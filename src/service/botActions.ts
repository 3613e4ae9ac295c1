import { rm } from 'node:fs/promises';
import type { Platform } from '../config/botSpec.js';
import { parseBotConfigText } from '../config/normalize.js';
import type { BotCommand } from '../control/protocol.js';
import type { Logger } from '../util/log.js';
import { ApiError } from './api/errors.js';
import type { BotRecords } from './botRecords.js';
import type { BotRunner } from './botRunner.js';
import type { ChannelServer } from './channelServer.js';
import type { LoginGroups } from './loginGroups.js';
import type { Db } from './db/db.js';
import { newBotIds } from './ids.js';
import type { MediaLinks } from './mediaLinks.js';
import type { ObjectLinks } from './objectLinks.js';
import { artifactsOf, markArtifactsDeleted, type ArtifactKind } from './store/artifacts.js';
import { insertBot, markMediaDeleted, rescheduleBot, waitingBots, type ApiShape, type BotRow } from './store/bots.js';
import { commandById, queueCommand, type CommandRow } from './store/commands.js';
import { deleteParticipantData } from './store/events.js';
import type { Project } from './store/projects.js';

/** What the API's handlers work with. */
export interface ServiceContext {
  db: Db;
  records: BotRecords;
  runner: BotRunner;
  channel: ChannelServer;
  groups: LoginGroups;
  media: MediaLinks;
  /** Presigned links for recordings bots uploaded to object storage; null without a store. */
  objects: ObjectLinks | null;
  /** Base of download links; null: the origin the client called. */
  publicUrl: string | null;
  /** Operator switch for tests and local debugging: loopback meeting URLs are this platform's mock. */
  loopbackPlatform: Platform | null;
  log: Logger;
  /** How long an API call waits for a bot to answer a chat command before answering itself. */
  commandWaitMs: number;
  /** How long before join_at a scheduled bot starts (it waits at the pre-join screen). */
  warmStartMs: number;
}

/** Recall: a join_at at least this far ahead is a scheduled bot, guaranteed a place; nearer is ad hoc. */
export const SCHEDULED_AHEAD_MS = 10 * 60_000;

const IN_CALL = new Set(['in_call_not_recording', 'in_call_recording']);

/**
 * Validates a Create Bot body as the API it was sent to, stores the bot in `ready` and queues its dispatch. An
 * ad-hoc bot (no join_at, or under 10 minutes ahead) that could not be started now is refused, as Recall does
 * with 507, rather than queued silently.
 */
export async function createBot(ctx: ServiceContext, project: Project, api: ApiShape, text: string): Promise<BotRow> {
  const parsed = parseBotConfigText(text, {
    api,
    allowLoopback: ctx.loopbackPlatform !== null,
    ...(ctx.loopbackPlatform ? { platform: ctx.loopbackPlatform } : {}),
  });
  if (!parsed.ok) throw new ApiError(400, 'invalid bot configuration', parsed.errors);
  const signIn = await ctx.groups.signInFor(project.id, api, parsed.spec);
  const body = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  const joinAt = typeof body.join_at === 'string' ? new Date(body.join_at) : null;
  const adHoc = !joinAt || joinAt.getTime() - Date.now() < SCHEDULED_AHEAD_MS;
  if (adHoc && !ctx.runner.hasRoomNow(await waitingBots(ctx.db, ctx.warmStartMs))) {
    const message = 'no bot can be started right now (every place on this service is taken); retry in about 30 seconds, or schedule the bot with join_at at least 10 minutes ahead';
    throw new ApiError(api === 'recall' ? 507 : 400, message);
  }
  const ids = newBotIds();
  const row = await insertBot(
    ctx.db,
    {
      id: ids.id,
      publicId: ids.publicId,
      projectId: project.id,
      api,
      body,
      meetingUrl: parsed.spec.meeting.original_url,
      meeting: { ...parsed.spec.meeting.recall_shape, platform: parsed.spec.meeting.platform },
      botName: parsed.spec.bot_name,
      metadata: parsed.spec.metadata,
      deduplicationKey: typeof body.deduplication_key === 'string' ? body.deduplication_key : null,
      joinAt: joinAt && joinAt.getTime() > Date.now() ? joinAt : null,
      signIn,
    },
    project.max_live_bots,
  );
  if ('refused' in row) {
    if (row.refused === 'live_bot_limit') throw new ApiError(429, `the project already has ${row.limit} live bots, its limit; retry when one has ended`);
    // Only Attendee's body has the key (Recall's endpoint refuses the field), and Attendee answers 400.
    throw new ApiError(400, 'Deduplication key already in use by a live bot of this project.');
  }
  await ctx.records.status(row.id, 'ready', null);
  await ctx.runner.schedule(row);
  return row;
}

/** A new join_at for a bot that has not started (both APIs' PATCH); its dispatch is queued again. */
export async function rescheduleJoin(ctx: ServiceContext, bot: BotRow, body: Record<string, unknown>): Promise<BotRow> {
  const unknown = Object.keys(body).filter((k) => k !== 'join_at');
  if (unknown.length > 0) throw new ApiError(400, 'only join_at can change', unknown.map((k) => ({ path: k, message: 'cannot be changed after creation; only join_at can, while the bot is scheduled' })));
  const value = body.join_at;
  const joinAt = typeof value === 'string' ? new Date(value) : null;
  if (value !== null && (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(joinAt!.getTime()))) {
    throw new ApiError(400, 'invalid join_at', [{ path: 'join_at', message: 'must be an ISO-8601 date-time with a time zone, or null' }]);
  }
  if (joinAt && joinAt.getTime() < Date.now()) throw new ApiError(400, 'invalid join_at', [{ path: 'join_at', message: 'must not be in the past' }]);
  const row = await rescheduleBot(ctx.db, bot.id, joinAt);
  if (!row) throw new ApiError(409, `only a bot that has not started can be rescheduled (this one is ${bot.status})`);
  await ctx.runner.schedule(row);
  return row;
}

/**
 * Tells a bot to leave. A bot that has not been launched yet, or whose walled first run waits for its signed-in
 * retry, simply ends (`call_ended`, then `done`); a running one gets a leave command over its channel, sent now or
 * as soon as it connects.
 */
export async function leaveBot(ctx: ServiceContext, bot: BotRow): Promise<void> {
  if (!bot.live) throw new ApiError(409, `the bot has already ended (${bot.status})`);
  if (!bot.launched_at || (bot.sign_in_retry && bot.run === 1)) {
    await ctx.records.status(bot.id, 'call_ended', 'bot_received_leave_call');
    await ctx.records.status(bot.id, 'done', 'bot_received_leave_call');
    return;
  }
  await command(ctx, bot, { kind: 'leave' });
  // A bot that is not on its channel still has to leave: its process gets the operator's stop (SIGTERM), which
  // the bot carries out the same way (`bot_received_leave_call`).
  if (!ctx.channel.isConnected(bot.id)) void ctx.runner.stopBot(bot.id, 15_000);
}

/** Sends a chat message through the bot and waits a moment for its answer. */
export async function sendChat(ctx: ServiceContext, bot: BotRow, text: unknown): Promise<CommandRow> {
  if (typeof text !== 'string' || !text.trim()) throw new ApiError(400, 'message is missing', [{ path: 'message', message: 'must be a non-empty string' }]);
  if (text.length > 4096) throw new ApiError(400, 'message is too long', [{ path: 'message', message: 'must be at most 4096 characters' }]);
  if (!IN_CALL.has(bot.status)) throw new ApiError(409, `the bot is not in the call (${bot.status}); chat messages can be sent once it is`);
  const row = await command(ctx, bot, { kind: 'send_chat_message', text });
  const deadline = Date.now() + ctx.commandWaitMs;
  for (;;) {
    const now = await commandById(ctx.db, row.id);
    if (!now || now.completed_at || Date.now() >= deadline) return now ?? row;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function command(ctx: ServiceContext, bot: BotRow, cmd: BotCommand): Promise<CommandRow> {
  const row = await queueCommand(ctx.db, bot.id, cmd);
  await ctx.channel.notify(bot.id);
  return row;
}

/** Deletes the bot's recording (Recall's delete_media), or also what participants said and did (Attendee's delete_data). */
export async function deleteMedia(ctx: ServiceContext, bot: BotRow, allData: boolean): Promise<void> {
  if (bot.live) throw new ApiError(409, `the bot has not ended yet (${bot.status}); its data can be deleted once it has`);
  const kinds: ArtifactKind[] = allData ? ['recording', 'participants', 'chat', 'events', 'manifest'] : ['recording'];
  for (const a of await markArtifactsDeleted(ctx.db, bot.id, kinds)) await rm(a.location, { force: true });
  if (allData) await deleteParticipantData(ctx.db, bot.id);
  await markMediaDeleted(ctx.db, bot.id, allData);
}

/** The bot's recording artifact if it exists and was not deleted. */
export async function recordingOf(ctx: ServiceContext, bot: BotRow) {
  return (await artifactsOf(ctx.db, bot.id)).find((a) => a.kind === 'recording' && !a.deleted_at);
}
