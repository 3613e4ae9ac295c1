import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Platform } from '../config/botSpec.js';
import type { Logger } from '../util/log.js';
import { buildApp } from './api/app.js';
import type { ServiceContext } from './botActions.js';
import { BotRecords } from './botRecords.js';
import { BotRunner } from './botRunner.js';
import { ChannelServer } from './channelServer.js';
import type { Db } from './db/db.js';
import { openDb } from './db/open.js';
import type { Launcher } from './launcher/launcher.js';
import { ProcessLauncher } from './launcher/processLauncher.js';
import { MediaLinks } from './mediaLinks.js';
import { ObjectLinks } from './objectLinks.js';
import type { ObjectStoreSettings } from '../config/objectStoreSettings.js';
import { WebhookSender, type WebhookSenderOptions } from './webhookSender.js';
import { DispatchQueue, type DispatchQueueOptions } from './dispatchQueue.js';
import { CredentialCipher } from './credentialCipher.js';
import { LoginGroups } from './loginGroups.js';
import { SignInRetry } from './signInRetry.js';

export interface ServiceOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Service data: PGlite's folder (without DATABASE_URL), the bots' output folders, the media signing key. */
  dataDir: string;
  databaseUrl: string | null;
  /** Base of the download links given to clients; defaults to the listening address. */
  publicUrl: string | null;
  /** Base URL bots reach the channel at (ws://...); defaults to the listening address. */
  channelUrl: string | null;
  maxConcurrentBots: number;
  /** Operator switch for tests and local debugging: loopback meeting URLs are this platform's mock. */
  loopbackPlatform: Platform | null;
  /** How a bot is started: `node bin/meetbot.js` of this installation. */
  meetbotCommand: { command: string; args: readonly string[] };
  /** Key of the download links; without one a key is made once and kept in the data folder. */
  signingKey: Buffer | null;
  webhooks?: WebhookSenderOptions;
  /** The dispatch queue's retries and timings (tests shorten them). */
  queue?: DispatchQueueOptions;
  /** How long before join_at a scheduled bot is started (default 30 s): it waits, warm, at the pre-join screen. */
  warmStartMs?: number;
  /** The object store bots upload recordings to (external storage): the service presigns their download links. */
  objectStore?: ObjectStoreSettings | null;
  /** A launcher other than this machine's processes (tests, the Kubernetes launcher). */
  launcher?: Launcher;
  /** MEETBOT_CREDENTIALS_KEY (32 bytes): seals login groups' credentials; without it none can be stored or used. */
  credentialsKey?: Buffer | null;
}

export interface RunningService {
  url: string;
  db: Db;
  /** Stops answering, stops launching and sending; running bots are left to reconnect to the next service. */
  close(): Promise<void>;
}

/** `meetbot serve`: the database, the HTTP API, the bots' channel, the launcher and the webhook sender, wired. */
export async function startService(opts: ServiceOptions, log: Logger): Promise<RunningService> {
  await mkdir(opts.dataDir, { recursive: true });
  const db = await openDb({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, logger: log.child('db') });
  let listening: string | null = null;
  const webhooks = new WebhookSender(db, log.child('webhooks'), opts.webhooks);
  const warmStartMs = opts.warmStartMs ?? 30_000;
  let queue: DispatchQueue;
  try {
    queue = await DispatchQueue.start(db, log.child('queue'), opts.queue);
  } catch (err) {
    await db.close();
    throw err;
  }
  const records = new BotRecords(db, webhooks);
  const groups = new LoginGroups(db, opts.credentialsKey ? new CredentialCipher(opts.credentialsKey) : null, log.child('login_groups'));
  const signInRetry = new SignInRetry(db, groups, records);
  const launcher =
    opts.launcher ??
    new ProcessLauncher({ botsDir: join(opts.dataDir, 'bots'), command: opts.meetbotCommand.command, commandArgs: opts.meetbotCommand.args, loopbackPlatform: opts.loopbackPlatform, log: log.child('launcher') });
  const channel: ChannelServer = new ChannelServer(
    db,
    {
      event: async (botId, seq, event) => {
        if (!(await signInRetry.hold(botId, seq, event))) await records.record(botId, seq, event);
      },
      manifest: (botId, _seq, manifest): Promise<void> => runner.manifest(botId, manifest),
      credential: (botId, _seq, credential) => groups.writeBack(botId, credential),
    },
    log.child('channel'),
  );
  const runner: BotRunner = new BotRunner(db, launcher, records, channel, log.child('runner'), queue, groups, {
    maxConcurrentBots: opts.maxConcurrentBots,
    warmStartMs,
    channelBaseUrl: () => opts.channelUrl ?? `ws://${listening}`,
  });
  const ctx: ServiceContext = {
    db,
    records,
    runner,
    channel,
    groups,
    media: new MediaLinks(opts.signingKey ?? (await signingKey(opts.dataDir))),
    publicUrl: opts.publicUrl,
    objects: opts.objectStore ? new ObjectLinks(opts.objectStore) : null,
    loopbackPlatform: opts.loopbackPlatform,
    log: log.child('api'),
    commandWaitMs: 15_000,
    warmStartMs,
  };
  const app = await buildApp(ctx);
  app.server.on('upgrade', (req, socket, head) => {
    if (!channel.handleUpgrade(req, socket, head)) socket.destroy();
  });
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await queue.stop();
    await db.close();
    throw new Error(`cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}`, { cause: err });
  }
  const { port } = app.server.address() as AddressInfo;
  listening = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}`;
  const local = listening;
  webhooks.start();
  await runner.start();
  log.info('serving', { url: `http://${local}`, database: db.kind });
  return {
    url: `http://${local}`,
    db,
    async close() {
      await runner.stop();
      await channel.close();
      await app.close();
      await webhooks.stop();
      await db.close();
    },
  };
}

/** The download links' key: made once, kept in the data folder so links survive a restart. */
async function signingKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'media-signing.key');
  const existing = await readFile(file).catch(() => null);
  if (existing && existing.length >= 32) return existing;
  const key = randomBytes(32);
  await writeFile(file, key, { mode: 0o600 });
  return key;
}
