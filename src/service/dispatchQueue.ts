import { fromPglite, PgBoss, type Job } from 'pg-boss';
import type { Logger } from '../util/log.js';
import type { Db } from './db/db.js';

const QUEUE = 'bot-dispatch';

/** What a dispatch job carries: the bot, and the join_at it was scheduled for (a rescheduled bot's old job is moot). */
export interface DispatchJob {
  botId: string;
  joinAt: string | null;
  /** Launch attempts before this one (a failed launch is dispatched again, later). */
  attempt?: number;
}

export interface DispatchQueueOptions {
  /** Launch attempts after the first, with exponential backoff from `retryDelaySec` (and expired dispatches retried). */
  retryLimit?: number;
  retryDelaySec?: number;
  /** A dispatch whose worker vanished (a killed service) is handed to another after this long. */
  expireInSeconds?: number;
  pollingIntervalSeconds?: number;
  /** How often expired dispatches are looked for (pg-boss's supervision). */
  superviseIntervalSeconds?: number;
  /** Dispatches one fetch takes (and runs at once): a burst of due bots is taken many at a time. */
  batchSize?: number;
}

/** The handler's view of a job: which attempt it is, and whether another follows if this one fails. */
export interface DispatchAttempt {
  job: DispatchJob;
  id: string;
  lastAttempt: boolean;
  /** Dispatches the bot again after the backoff (a launch that failed). */
  retry: () => Promise<void>;
}

/**
 * Bot dispatch on pg-boss, in the service's own Postgres (its tables live in the `pgboss` schema): a job per
 * bot, due at once or at its warm-start time, taken by exactly one worker of however many services share the
 * database (SKIP LOCKED), retried with backoff when a launch fails, and handed to another worker when the one
 * holding it dies. On the embedded database the queue runs on the same PGlite instance.
 */
export class DispatchQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly opts: Required<DispatchQueueOptions>,
  ) {}

  static async start(db: Db, log: Logger, options: DispatchQueueOptions = {}): Promise<DispatchQueue> {
    const opts: Required<DispatchQueueOptions> = { retryLimit: 4, retryDelaySec: 5, expireInSeconds: 120, pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 30, batchSize: 20, ...options };
    if (!db.queue) throw new Error('the job queue needs the Db openDb returned');
    const connection = 'pglite' in db.queue ? { db: fromPglite(db.queue.pglite), backend: 'pglite' as const } : { connectionString: db.queue.connectionString, max: 4, application_name: 'meetbot-queue' };
    // Cron schedules are not used; maintenance (expiring held jobs, archiving) runs in every service.
    const boss = new PgBoss({ ...connection, schedule: false, superviseIntervalSeconds: opts.superviseIntervalSeconds });
    boss.on('error', (err: unknown) => log.error('job queue error', { error: err instanceof Error ? err.message : String(err) }));
    await boss.start();
    await boss.createQueue(QUEUE, { retryLimit: opts.retryLimit, retryDelay: opts.retryDelaySec, retryBackoff: true, expireInSeconds: opts.expireInSeconds });
    return new DispatchQueue(boss, opts);
  }

  /** Queues the bot's dispatch, due at `at` (or now). */
  async dispatch(job: DispatchJob, at: Date | null): Promise<void> {
    await this.boss.send(QUEUE, job, at && at.getTime() > Date.now() ? { startAfter: at } : {});
  }

  /**
   * Works dispatch jobs until stopped, a fetched batch at a time, its jobs side by side. A job ends when its
   * handler does; a launch to try again is a new job after the backoff (`retry`), so one bot's failure never
   * fails the batch. A job whose worker dies is handed on by the queue when it expires.
   */
  async work(handler: (attempt: DispatchAttempt) => Promise<void>, log: Logger): Promise<void> {
    await this.boss.work<DispatchJob>(QUEUE, { batchSize: this.opts.batchSize, pollingIntervalSeconds: this.opts.pollingIntervalSeconds }, async (jobs: Job<DispatchJob>[]) => {
      await Promise.all(
        jobs.map(async (job) => {
          const attempt = job.data.attempt ?? 0;
          const retry = () => this.dispatch({ ...job.data, attempt: attempt + 1 }, new Date(Date.now() + this.opts.retryDelaySec * 1000 * 2 ** attempt));
          try {
            await handler({ job: job.data, id: job.id, lastAttempt: attempt >= this.opts.retryLimit, retry });
          } catch (err) {
            log.error('dispatch failed', { bot_id: job.data.botId, error: err instanceof Error ? err.message : String(err) });
          }
        }),
      );
    });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5000 });
  }
}
