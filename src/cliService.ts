import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { PLATFORMS, type Platform } from './config/botSpec.js';
import { objectStoreSettings, type ObjectStoreSettings } from './config/objectStoreSettings.js';
import { addKubernetesOptions, kubernetesLauncherFrom, type KubernetesFlags } from './cliKubernetes.js';
import { parseCredentialsKey } from './service/credentialCipher.js';
import { openDb } from './service/db/open.js';
import { startService } from './service/service.js';
import { createApiKey, ensureProject } from './service/store/projects.js';
import { parseWebhookSecret } from './events/statusWebhook.js';
import { BOT_NODE_FLAGS } from './session/nodeFlags.js';
import { createLogger, type Level } from './util/log.js';

/** What the service commands need from the CLI around them (cliMain.ts). */
export interface ServiceCli {
  env: NodeJS.ProcessEnv;
  io: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown }; stop?: AbortSignal };
  setExit: (code: number) => void;
  /** A usage error: exit 2 with this message. */
  usage: (message: string) => Error;
}

interface ServeFlags extends KubernetesFlags {
  host?: string;
  port?: string;
  dataDir?: string;
  publicUrl?: string;
  channelUrl?: string;
  maxBots?: string;
  warmStart?: string;
  allowLoopback?: boolean;
  platform?: Platform;
  logLevel?: Level;
}

interface KeyFlags {
  project: string;
  dataDir?: string;
  maxLiveBots?: string;
  webhookUrl?: string;
  webhookSecret?: string;
}

/** `node bin/meetbot.js`: how the service starts a bot of this same installation. */
const MEETBOT_BIN = fileURLToPath(new URL('../../bin/meetbot.js', import.meta.url));

/** `meetbot serve` and `meetbot keys create` (docs/api.md). */
export function addServiceCommands(cli: Command, c: ServiceCli): void {
  const dataDirOption = () => new Option('--data-dir <dir>', 'service data: embedded Postgres, bot outputs (default $MEETBOT_DATA_DIR or ./meetbot-data)');
  const serveCommand = cli
    .command('serve')
    .description('serve the Create Bot API (Recall.ai and Attendee shapes) and run the bots it is asked for')
    .option('--host <host>', 'address to listen on (default $MEETBOT_HOST or 127.0.0.1)')
    .option('--port <port>', 'port (default $PORT or 8080)')
    .addOption(dataDirOption())
    .option('--public-url <url>', 'base of download links (default: the address clients called; also MEETBOT_PUBLIC_URL)')
    .option('--channel-url <url>', "ws(s) base URL bots reach the service at (default: the listening address; also MEETBOT_CHANNEL_URL)")
    .option('--max-bots <n>', 'bots run at once on this machine (default $MEETBOT_MAX_BOTS or 2)')
    .option('--warm-start <seconds>', 'a scheduled bot starts this long before its join_at and waits at the pre-join screen (default $MEETBOT_WARM_START_SEC or 30)')
    .option('--allow-loopback', 'operator switch for tests: bots may join loopback mock meetings (with --platform)')
    .addOption(new Option('--platform <platform>', 'platform of loopback meeting URLs (with --allow-loopback)').choices(PLATFORMS))
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error']))
    .addHelpText('after', '\nThe database: DATABASE_URL (a Postgres server), else an embedded Postgres in the data folder.')
    .action(async (flags: ServeFlags) => c.setExit(await serve(flags, c)));
  addKubernetesOptions(serveCommand);

  const keys = cli.command('keys').description('API keys of projects');
  keys
    .command('create')
    .description('create an API key (and its project when new); the key is printed once and stored hashed')
    .requiredOption('--project <name>', 'project name')
    .addOption(dataDirOption())
    .option('--max-live-bots <n>', "the project's limit of live bots (default 20)")
    .option('--webhook-url <url>', "the project's status webhook endpoint")
    .option('--webhook-secret <whsec>', 'Standard Webhooks secret signing them (whsec_...; also MEETBOT_WEBHOOK_SECRET)')
    .action(async (flags: KeyFlags) => c.setExit(await createKey(flags, c)));
}

async function serve(flags: ServeFlags, c: ServiceCli): Promise<number> {
  const { env } = c;
  const port = positiveInt(flags.port ?? env.PORT ?? '8080', flags.port ? '--port' : 'PORT', c, true);
  const maxBots = positiveInt(flags.maxBots ?? env.MEETBOT_MAX_BOTS ?? '2', flags.maxBots ? '--max-bots' : 'MEETBOT_MAX_BOTS', c);
  const warmStartSec = positiveInt(flags.warmStart ?? env.MEETBOT_WARM_START_SEC ?? '30', flags.warmStart ? '--warm-start' : 'MEETBOT_WARM_START_SEC', c);
  if (flags.allowLoopback && !flags.platform) throw c.usage('--allow-loopback needs --platform (the platform of the loopback mock meetings)');
  const key = env.MEETBOT_SIGNING_KEY ? Buffer.from(env.MEETBOT_SIGNING_KEY, 'base64') : null;
  if (key && key.length < 32) throw c.usage('MEETBOT_SIGNING_KEY must be at least 32 bytes, base64');
  const credentialsKey = credentialsKeyOf(env.MEETBOT_CREDENTIALS_KEY, c);
  let objectStore: ObjectStoreSettings;
  try {
    objectStore = objectStoreSettings(env);
  } catch (err) {
    throw c.usage((err as Error).message);
  }
  const log = createLogger({ minLevel: flags.logLevel ?? 'info', stderr: true, file: null }, 'service');
  const kubernetes = await kubernetesLauncherFrom(flags, c, log);
  try {
    await kubernetes?.check();
  } catch (err) {
    c.io.stderr.write(`meetbot: Kubernetes: ${(err as Error).message}\n`);
    return 1;
  }
  const service = await startService(
    {
      host: flags.host ?? env.MEETBOT_HOST ?? '127.0.0.1',
      port,
      dataDir: resolve(flags.dataDir ?? env.MEETBOT_DATA_DIR ?? 'meetbot-data'),
      databaseUrl: env.DATABASE_URL || null,
      publicUrl: trimSlash(flags.publicUrl ?? env.MEETBOT_PUBLIC_URL ?? null),
      channelUrl: trimSlash(flags.channelUrl ?? env.MEETBOT_CHANNEL_URL ?? null),
      maxConcurrentBots: maxBots,
      warmStartMs: warmStartSec * 1000,
      objectStore,
      loopbackPlatform: flags.allowLoopback ? (flags.platform ?? null) : null,
      meetbotCommand: { command: process.execPath, args: [...BOT_NODE_FLAGS, MEETBOT_BIN] },
      signingKey: key,
      credentialsKey,
      launcher: kubernetes ?? undefined,
    },
    log,
  );
  c.io.stderr.write(`meetbot: serving on ${service.url} (${service.db.kind})\n`);
  await new Promise<void>((done) => {
    if (!c.io.stop || c.io.stop.aborted) return done();
    c.io.stop.addEventListener('abort', () => done(), { once: true });
  });
  await service.close();
  return 0;
}

async function createKey(flags: KeyFlags, c: ServiceCli): Promise<number> {
  const maxLive = flags.maxLiveBots === undefined ? undefined : positiveInt(flags.maxLiveBots, '--max-live-bots', c);
  const secret = flags.webhookSecret ?? c.env.MEETBOT_WEBHOOK_SECRET;
  if (secret !== undefined) {
    try {
      parseWebhookSecret(secret);
    } catch (err) {
      throw c.usage(`--webhook-secret: ${(err as Error).message}`);
    }
  }
  if (flags.webhookUrl !== undefined && !/^https?:$/.test(URL.parse(flags.webhookUrl)?.protocol ?? '')) throw c.usage('--webhook-url must be an http(s) URL');
  const db = await openDb({ databaseUrl: c.env.DATABASE_URL || null, dataDir: resolve(flags.dataDir ?? c.env.MEETBOT_DATA_DIR ?? 'meetbot-data') });
  try {
    const project = await ensureProject(db, flags.project, {
      ...(maxLive !== undefined ? { maxLiveBots: maxLive } : {}),
      ...(flags.webhookUrl !== undefined ? { webhookUrl: flags.webhookUrl } : {}),
      ...(secret !== undefined ? { webhookSecret: secret } : {}),
    });
    const key = await createApiKey(db, project.id);
    c.io.stdout.write(JSON.stringify({ project: project.name, project_id: project.id, key_id: key.id, api_key: key.key }) + '\n');
    return 0;
  } finally {
    await db.close();
  }
}

/** The login groups' key, or null: the service then stores and hands out no credential (docs/api.md, "Login groups"). */
function credentialsKeyOf(raw: string | undefined, c: ServiceCli): Buffer | null {
  if (!raw) return null;
  try {
    return parseCredentialsKey(raw);
  } catch (err) {
    throw c.usage((err as Error).message);
  }
}

function positiveInt(raw: string, name: string, c: ServiceCli, allowZero = false): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535 * 100) throw c.usage(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer (got ${JSON.stringify(raw.slice(0, 40))})`);
  return n;
}

function trimSlash(url: string | null): string | null {
  return url ? url.replace(/\/+$/, '') : null;
}
