import { Command, CommanderError, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Platform } from './config/botSpec.js';
import { formatConfigErrors, parseBotConfigText } from './config/normalize.js';
import { botConfigJsonSchema } from './config/reference.js';
import { runBot } from './bot/runBot.js';
import { RUNTIME_DEFAULTS, type RuntimeOptions } from './bot/runtimeOptions.js';

/** Exit codes, documented in the README. */
export const EXIT = { done: 0, fatal: 1, invalidConfig: 2 } as const;

const PLATFORMS: Platform[] = ['google_meet', 'zoom', 'webex'];
/** After a stop signal the bot has this long to leave, finalise and report before it is cut short. */
const STOP_DEADLINE_MS = 10_000;

class UsageError extends Error {}

interface JoinFlags {
  name?: string;
  config?: string;
  out?: string;
  platform?: Platform;
  allowLoopback?: boolean;
  headful?: boolean;
  chromium?: string;
  ffmpeg?: string;
  botId?: string;
  webhookUrl?: string;
  logLevel?: RuntimeOptions['logLevel'];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The Create Bot body, from exactly one source: a URL argument, --config (file, or "-" for stdin), or BOT_CONFIG. */
async function readBody(url: string | undefined, flags: JoinFlags): Promise<string> {
  if (url !== undefined && flags.config !== undefined) throw new UsageError('give either a meeting URL or --config, not both');
  if (url !== undefined) return JSON.stringify({ meeting_url: url, ...(flags.name !== undefined ? { bot_name: flags.name } : {}) });
  if (flags.config === '-') return readStdin();
  if (flags.config !== undefined) {
    try {
      return await readFile(flags.config, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --config ${flags.config}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (process.env.BOT_CONFIG !== undefined) return process.env.BOT_CONFIG;
  throw new UsageError('no bot config: give a meeting URL, --config <file|->, or BOT_CONFIG');
}

function envFlag(name: string): boolean {
  return ['1', 'true', 'yes'].includes((process.env[name] ?? '').toLowerCase());
}

async function join(url: string | undefined, flags: JoinFlags): Promise<number> {
  const allowLoopback = flags.allowLoopback === true || envFlag('MEETBOT_ALLOW_LOOPBACK');
  const text = await readBody(url, flags);
  const parsed = parseBotConfigText(text, { allowLoopback, ...(flags.platform ? { platform: flags.platform } : {}) });
  if (!parsed.ok) {
    process.stderr.write(`invalid bot config:\n${formatConfigErrors(parsed.errors)}\n`);
    return EXIT.invalidConfig;
  }
  if (flags.name !== undefined && url === undefined) parsed.spec.bot_name = flags.name;
  const botId = flags.botId ?? process.env.BOT_ID ?? randomUUID();
  const opts: RuntimeOptions = {
    outDir: resolve(flags.out ?? process.env.MEETBOT_OUT_DIR ?? `out/${botId}`),
    botId,
    chromiumPath: flags.chromium ?? process.env.CHROMIUM_PATH ?? RUNTIME_DEFAULTS.chromiumPath,
    ffmpegPath: flags.ffmpeg ?? process.env.FFMPEG_PATH ?? RUNTIME_DEFAULTS.ffmpegPath,
    headful: flags.headful === true,
    allowLoopback,
    stepTimeoutMs: RUNTIME_DEFAULTS.stepTimeoutMs,
    pollIntervalMs: RUNTIME_DEFAULTS.pollIntervalMs,
    webhookUrl: flags.webhookUrl ?? process.env.MEETBOT_WEBHOOK_URL ?? null,
    webhookSecret: process.env.MEETBOT_WEBHOOK_SECRET ?? null,
    maxRuntimeSec: Number(process.env.MEETBOT_MAX_RUNTIME_SEC ?? RUNTIME_DEFAULTS.maxRuntimeSec),
    watchdogSec: Number(process.env.MEETBOT_WATCHDOG_SEC ?? RUNTIME_DEFAULTS.watchdogSec),
    logLevel: flags.logLevel ?? 'info',
    eventsToStdout: true,
  };
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    process.stderr.write(`meetbot: ${sig}: leaving the meeting and finalising the recording\n`);
    stop.abort();
    setTimeout(() => process.exit(EXIT.fatal), STOP_DEADLINE_MS).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const outcome = await runBot(parsed.spec, opts, stop.signal);
  process.stderr.write(`meetbot: ${outcome.final.code}${outcome.final.sub_code ? ` (${outcome.final.sub_code})` : ''}; output in ${opts.outDir}\n`);
  return outcome.exitCode;
}

async function validate(file: string, flags: { platform?: Platform; allowLoopback?: boolean }): Promise<number> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${err.code ?? String(err)}`);
  });
  const parsed = parseBotConfigText(text, { allowLoopback: flags.allowLoopback === true, ...(flags.platform ? { platform: flags.platform } : {}) });
  if (!parsed.ok) {
    process.stderr.write(`invalid bot config:\n${formatConfigErrors(parsed.errors)}\n`);
    return EXIT.invalidConfig;
  }
  process.stdout.write(JSON.stringify({ valid: true, spec: { ...parsed.spec, meeting: { ...parsed.spec.meeting, password: parsed.spec.meeting.password ? '[redacted]' : null } } }, null, 2) + '\n');
  return EXIT.done;
}

async function mock(flags: { port?: string }): Promise<number> {
  const { startMockServer } = await import('../fixtures/mock/server.js');
  const server = await startMockServer({ port: flags.port ? Number(flags.port) : 8080 });
  process.stderr.write(`meetbot mock: control page at ${server.url}/ (Ctrl-C to stop)\n`);
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop);
    process.once('SIGTERM', resolveStop);
  });
  await server.close();
  return EXIT.done;
}

function program(setExit: (code: number) => void): Command {
  const platformOption = () => new Option('--platform <platform>', 'platform of a loopback URL (with --allow-loopback)').choices(PLATFORMS);
  const cli = new Command('meetbot')
    .description('One meeting bot: joins a Google Meet, Zoom or Webex meeting, records it and reports its status.')
    .exitOverride()
    .showHelpAfterError();

  cli
    .command('join [meeting_url]')
    .description('join a meeting and record it until the automatic-leave rules or the meeting end it')
    .option('-n, --name <bot_name>', 'name shown in the meeting (default "Meeting Notetaker")')
    .option('-c, --config <file>', 'Create Bot body as JSON (Recall or Attendee shape); "-" reads stdin')
    .option('-o, --out <dir>', 'output folder (default out/<bot id>)')
    .addOption(platformOption())
    .option('--allow-loopback', 'operator switch for tests: allow http://127.0.0.1 meeting URLs (also MEETBOT_ALLOW_LOOPBACK=1)')
    .option('--headful', 'show Chromium on your own display instead of a private Xvfb (debugging)')
    .option('--chromium <path>', 'Chromium binary (default $CHROMIUM_PATH or /usr/bin/chromium)')
    .option('--ffmpeg <path>', 'ffmpeg binary (default $FFMPEG_PATH or ffmpeg)')
    .option('--bot-id <id>', 'bot id used in events and webhooks (default $BOT_ID or a new UUID)')
    .option('--webhook-url <url>', 'extra status webhook endpoint (also MEETBOT_WEBHOOK_URL)')
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error']))
    .addHelpText(
      'after',
      `
Examples:
  meetbot join https://meet.google.com/abc-defg-hij --name "Acme Notetaker" --out ./rec
  meetbot join --config bot.json
  BOT_CONFIG='{"meeting_url":"https://zoom.us/j/85551234567?pwd=abc"}' meetbot join
  meetbot join http://127.0.0.1:8080/abc-defg-hij --platform google_meet --allow-loopback --headful

Exit codes: 0 done, 1 fatal (sub_code in the last event), 2 invalid config.`,
    )
    .action(async (url: string | undefined, flags: JoinFlags) => setExit(await join(url, flags)));

  cli
    .command('validate <file>')
    .description('check a Create Bot body and print the normalised bot spec ("-" reads stdin)')
    .addOption(platformOption())
    .option('--allow-loopback', 'accept loopback meeting URLs (with --platform)')
    .action(async (file: string, flags: { platform?: Platform; allowLoopback?: boolean }) => setExit(await validate(file, flags)));

  cli
    .command('schema')
    .description('print the JSON Schema of the Create Bot body')
    .action(() => {
      process.stdout.write(JSON.stringify(botConfigJsonSchema(), null, 2) + '\n');
      setExit(EXIT.done);
    });

  cli
    .command('mock')
    .description('serve the mock meetings and their control page for local debugging')
    .option('-p, --port <port>', 'port on 127.0.0.1', '8080')
    .action(async (flags: { port?: string }) => setExit(await mock(flags)));

  return cli;
}

async function main(): Promise<void> {
  let code: number = EXIT.done;
  try {
    await program((c) => (code = c)).parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode === 0 ? EXIT.done : EXIT.invalidConfig;
    else if (err instanceof UsageError) {
      process.stderr.write(`meetbot: ${err.message}\n`);
      code = EXIT.invalidConfig;
    } else {
      process.stderr.write(`meetbot: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
      code = EXIT.fatal;
    }
  }
  process.exitCode = code;
  // Let stdout drain, then exit even if a library left a handle open.
  setTimeout(() => process.exit(code), 50).unref();
}

process.on('uncaughtException', (err) => {
  process.stderr.write(`meetbot: unexpected error: ${err.message}\n`);
  process.exit(EXIT.fatal);
});
process.on('unhandledRejection', (err) => {
  process.stderr.write(`meetbot: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(EXIT.fatal);
});

await main();
