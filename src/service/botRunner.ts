import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { channelPath } from '../control/protocol.js';
import type { Logger } from '../util/log.js';
import { sleep } from '../util/async.js';
import type { BotRecords } from './botRecords.js';
import type { ChannelServer } from './channelServer.js';
import type { Db } from './db/db.js';
import type { DispatchAttempt, DispatchQueue } from './dispatchQueue.js';
import { newControlToken } from './ids.js';
import type { BotExit, LaunchedBot, Launcher } from './launcher/launcher.js';
import type { LoginGroups } from './loginGroups.js';
import { accountPlatform, runSignIn } from './signInRetry.js';
import { putArtifact, type ArtifactKind } from './store/artifacts.js';
import { botById, claimLaunch, launchedLiveBots, markLaunched, prepareSecondRun, releaseClaim, type BotRow } from './store/bots.js';
import { failOpenCommands } from './store/commands.js';
import { projectById } from './store/projects.js';

export interface BotRunnerOptions {
  /** Bots this service runs at once; more wait in `ready`. */
  maxConcurrentBots: number;
  /** How long before its join_at a scheduled bot is started, to be at the pre-join screen when it is due. */
  warmStartMs: number;
  /** The ws(s) base URL bots reach the service's channel at (`<base>/internal/bots/<id>/channel`), once listening. */
  channelBaseUrl: () => string;
  /** How long a bot that exited gets for its last reports to arrive before the service speaks for it. */
  exitGraceMs?: number;
}

/** sub_codes the service gives when a bot could not speak for itself (docs/events.md, "Service sub_codes"). */
export const SERVICE_SUB_CODES = { notLaunched: 'bot_not_launched', processTerminated: 'process_terminated' } as const;

/**
 * Dispatches bots through the job queue (at once, or `warmStartMs` before their join_at) and starts each through
 * the launcher, up to the concurrency limit, then follows it until it is gone. After a restart it finds the bots
 * that were running (they outlive the service and reconnect); a bot that is gone without a final status is ended
 * `fatal` with a service sub_code; one whose signed-out run met a wall is launched once more, signed in
 * (signInRetry.ts). It never talks to a bot: that is the channel's.
 */
export class BotRunner {
  private readonly running = new Map<string, LaunchedBot>();
  /** Places taken by launches under way (a batch's dispatches run side by side). */
  private starting = 0;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly launcher: Launcher,
    private readonly records: BotRecords,
    private readonly channel: ChannelServer,
    private readonly log: Logger,
    private readonly queue: DispatchQueue,
    private readonly groups: LoginGroups,
    private readonly opts: BotRunnerOptions,
  ) {}

  async start(): Promise<void> {
    for (const bot of await launchedLiveBots(this.db)) await this.findAgain(bot);
    await this.queue.work((attempt) => this.dispatch(attempt), this.log);
  }

  /** Queues a new or rescheduled bot's dispatch: due now, or early enough before its join_at to be warm. */
  async schedule(bot: Pick<BotRow, 'id' | 'join_at'>): Promise<void> {
    const due = bot.join_at ? new Date(bot.join_at.getTime() - this.opts.warmStartMs) : null;
    await this.queue.dispatch({ botId: bot.id, joinAt: bot.join_at?.toISOString() ?? null }, due);
  }

  /** Whether a bot created now could be started now (Recall answers 507 when not). */
  hasRoomNow(waiting: number): boolean {
    return this.running.size + this.starting + waiting < this.opts.maxConcurrentBots;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Stops dispatching. Running bots are left running: they reconnect to the next service. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue.stop();
    await this.launcher.close();
  }

  /** Asks a running bot's process to stop, the operator's way (its leave command could not be delivered). */
  async stopBot(botId: string, graceMs: number): Promise<void> {
    const bot = this.running.get(botId);
    if (!bot) return;
    try {
      await this.launcher.stop(bot.ref, graceMs);
    } catch (err) {
      this.log.error('could not stop a bot', { bot_id: botId, error: String(err) });
    }
  }

  /**
   * The run's manifest from the bot: its files become the bot's artifacts. A recording the bot also uploaded
   * (external storage) is served from the bucket when its folder cannot be read here (a bot in a pod).
   */
  async manifest(botId: string, manifest: Record<string, unknown>): Promise<void> {
    const bot = await botById(this.db, botId);
    if (!bot?.out_dir) return;
    const uploaded = (Array.isArray(manifest.uploads) ? (manifest.uploads as { status?: unknown; uri?: unknown; size_bytes?: unknown; file?: unknown }[]) : []).find(
      (u) => u.status === 'uploaded' && typeof u.uri === 'string',
    );
    const recording = manifest.recording as { file?: unknown } | null | undefined;
    const files: [ArtifactKind, string | null][] = [
      ['recording', typeof recording?.file === 'string' ? basename(recording.file) : null],
      ['manifest', 'manifest.json'],
      ['participants', 'participants.json'],
      ['chat', 'chat.jsonl'],
      ['events', 'events.jsonl'],
    ];
    for (const [kind, file] of files) {
      if (!file) continue;
      const location = join(bot.out_dir, file);
      const size = await stat(location).then((s) => s.size, () => null);
      if (size !== null) await putArtifact(this.db, { bot_id: botId, kind, location, content_type: contentType(file), size_bytes: size });
      else if (kind === 'recording' && uploaded) {
        const bytes = typeof uploaded.size_bytes === 'number' ? uploaded.size_bytes : null;
        await putArtifact(this.db, { bot_id: botId, kind, location: uploaded.uri as string, content_type: contentType(typeof uploaded.file === 'string' ? uploaded.file : file), size_bytes: bytes });
      }
    }
  }

  /**
   * One dispatch job. A job for a bot that ended, was launched already, or was rescheduled since is done with;
   * otherwise the bot waits for a free place, is claimed (exactly one worker wins) and launched. A failed launch
   * gives the claim back and is dispatched again after the backoff; the last attempt ends the bot `fatal /
   * bot_not_launched` instead.
   */
  private async dispatch({ job, id, lastAttempt, retry }: DispatchAttempt): Promise<void> {
    const current = await botById(this.db, job.botId);
    if (!current?.live || current.launch_ref || (current.join_at?.toISOString() ?? null) !== job.joinAt) return;
    while (!this.hasRoomNow(0)) {
      if (this.stopped) throw new Error('the service is stopping: another worker takes this dispatch');
      await sleep(250);
    }
    this.starting++;
    try {
      await this.claimAndLaunch(current, id, lastAttempt, retry);
    } finally {
      this.starting--;
    }
  }

  private async claimAndLaunch(current: BotRow, id: string, lastAttempt: boolean, retry: () => Promise<void>): Promise<void> {
    const token = newControlToken();
    if (!(await claimLaunch(this.db, current.id, token.hash, this.launcher.name, id))) return;
    try {
      await this.launch(current, token.token);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error('bot could not be launched', { bot_id: current.id, error: message, last_attempt: lastAttempt });
      if (lastAttempt) return void (await this.records.status(current.id, 'fatal', SERVICE_SUB_CODES.notLaunched, { message }));
      await releaseClaim(this.db, current.id);
      await retry();
    }
  }

  /** Starts the bot's run, with its login group's credential when it signs in (the group is noted for the write-back). */
  private async launch(bot: BotRow, token: string): Promise<void> {
    const signIn = runSignIn(bot);
    const platform = accountPlatform(bot);
    const account = signIn && platform ? await this.groups.forRun(bot.project_id, platform, signIn.group_id) : null;
    const body = botBody(bot);
    const launched = await this.launcher.launch({
      botId: bot.id,
      body: JSON.stringify(body),
      api: bot.api,
      controlUrl: `${this.opts.channelBaseUrl()}${channelPath(bot.id)}`,
      controlToken: token,
      credential: account?.credential ?? null,
      callbackSecret: await this.callbackSecret(bot, body),
      signIn: bot.run > 1 ? 'always' : null,
      run: bot.run,
    });
    await markLaunched(this.db, bot.id, launched.ref, launched.outDir, account?.groupId ?? null);
    this.follow(bot.id, launched);
  }

  /** The project's webhook secret when the body has a callback for the bot to sign (Attendee's zoom_tokens_url). */
  private async callbackSecret(bot: BotRow, body: Record<string, unknown>): Promise<string | null> {
    const callbacks = body.callback_settings;
    if (typeof callbacks !== 'object' || callbacks === null || !('zoom_tokens_url' in callbacks)) return null;
    return (await projectById(this.db, bot.project_id))?.webhook_secret ?? null;
  }

  private async findAgain(bot: BotRow): Promise<void> {
    const found = bot.launch_ref && bot.out_dir ? await this.launcher.find(bot.id, bot.launch_ref, bot.out_dir) : null;
    if (found) {
      this.log.info('found a running bot again', { bot_id: bot.id, ref: bot.launch_ref });
      this.follow(bot.id, found);
    } else await this.ended(bot.id, { code: null, signal: null, message: 'the bot was gone when the service restarted' });
  }

  private follow(botId: string, launched: LaunchedBot): void {
    this.running.set(botId, launched);
    void launched.exited
      .then((exit) => this.ended(botId, exit))
      .catch((err: unknown) => this.log.error('bot exit handling failed', { bot_id: botId, error: String(err) }))
      .finally(() => {
        // The bot's second run may be running already.
        if (this.running.get(botId) === launched) this.running.delete(botId);
      });
  }

  /** After a bot's process is gone: its last reports get a moment to land, then the service speaks for it. */
  private async ended(botId: string, exit: BotExit): Promise<void> {
    const deadline = Date.now() + (this.opts.exitGraceMs ?? 3000);
    let bot = await botById(this.db, botId);
    while (bot?.live && Date.now() < deadline && this.channel.isConnected(botId)) {
      await new Promise((r) => setTimeout(r, 100));
      bot = await botById(this.db, botId);
    }
    this.channel.disconnect(botId);
    await failOpenCommands(this.db, botId, 'the bot has ended');
    if (!bot?.live) return;
    if (bot.sign_in_retry && bot.run === 1) return this.launchSecondRun(bot);
    const message = exit.message ?? `the bot process ended (code ${exit.code ?? 'none'}, signal ${exit.signal ?? 'none'}) without a final status`;
    this.log.warn('bot ended without a final status', { bot_id: botId, message });
    await this.records.status(botId, 'fatal', exit.neverStarted ? SERVICE_SUB_CODES.notLaunched : SERVICE_SUB_CODES.processTerminated, { message });
  }

  /** The first run, stopped by a wall signed out, is gone: what is left of it goes, and the bot is dispatched again. */
  private async launchSecondRun(bot: BotRow): Promise<void> {
    if (bot.launch_ref && this.launcher.remove) {
      await this.launcher.remove(bot.launch_ref).catch((err: unknown) => this.log.error('could not remove the first run of a bot', { bot_id: bot.id, error: String(err) }));
    }
    const again = await prepareSecondRun(this.db, bot.id);
    if (!again) return;
    this.log.info('launching the bot again, signed in', { bot_id: bot.id, wall: bot.sign_in_retry });
    await this.schedule(again);
  }
}

/**
 * The body the bot runs with: the service delivers webhooks and deduplicates itself, and the join_at is the
 * bot's current one (it may have been moved since it was created).
 */
function botBody(bot: BotRow): Record<string, unknown> {
  const { webhooks: _webhooks, deduplication_key: _key, join_at: _joinAt, ...body } = bot.body;
  return bot.join_at ? { ...body, join_at: bot.join_at.toISOString() } : body;
}

function contentType(file: string): string {
  const types: Record<string, string> = { '.mp4': 'video/mp4', '.m4a': 'audio/mp4', '.mp3': 'audio/mpeg', '.json': 'application/json', '.jsonl': 'application/jsonl' };
  return types[extname(file)] ?? 'application/octet-stream';
}
