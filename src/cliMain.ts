import { Command, CommanderError, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PLATFORMS, type Platform, type SignInSpec, type SourceApi } from './config/botSpec.js';
import { BODY_PATH } from './config/errors.js';
import { formatConfigErrors, parseBotConfigText } from './config/normalize.js';
import { botConfigJsonSchema } from './config/reference.js';
import { runBot } from './session/botSession.js';
import { RUNTIME_DEFAULTS, type RuntimeOptions } from './session/runtimeOptions.js';
import type { UiInputSetting } from './session/sessionInput.js';
import { CredentialError } from './account/credential.js';
import { loadCredential } from './account/loadCredential.js';
import { NO_RUNTIME_SECRETS, redactorFor } from './config/secrets.js';
import { addServiceCommands } from './cliService.js';
import { objectStoreSettings, type ObjectStoreSettings } from './config/objectStoreSettings.js';
import { zoomSdkSettings, type ZoomSdkSettings } from './account/zoomSdk.js';

/** Exit codes, documented in the README. */
export const EXIT = { done: 0, fatal: 1, invalidConfig: 2 } as const;

/** Where the CLI reads and writes: the process's own streams in production, buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: AsyncIterable<Buffer | string>;
  /** The operator's stop (SIGTERM/SIGINT, or a fault of the process): a running bot leaves and ends. */
  stop?: AbortSignal;
}

/** What the CLI starts; tests replace runBot to prove that bad input never reaches it. */
export interface CliDeps {
  runBot: typeof runBot;
}


class UsageError extends Error {}

/** A body that cannot even be read as text: reported like any invalid body (exit 2, "(body): ..."). */
class UnreadableBody extends Error {}

interface JoinFlags {
  name?: string;
  config?: string;
  out?: string;
  platform?: Platform;
  allowLoopback?: boolean;
  headful?: boolean;
  uiInput?: UiInputSetting;
  api?: SourceApi;
  trace?: boolean;
  chromium?: string;
  ffmpeg?: string;
  botId?: string;
  webhookUrl?: string;
  controlUrl?: string;
  credential?: string;
  signIn?: SignInSpec['mode'];
  logLevel?: RuntimeOptions['logLevel'];
}

/**
 * The whole command line as a function: `argv` without the node and script paths, the environment, the
 * streams. Resolves with the exit code and never throws: usage errors and invalid bodies are exit 2 with a
 * message naming the field, anything unexpected is exit 1 with a one-line message (no stack trace).
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo, deps: CliDeps = { runBot }): Promise<number> {
  let code: number = EXIT.done;
  try {
    await program(env, io, deps, (c) => (code = c)).parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode === 0 ? EXIT.done : EXIT.invalidConfig;
    else if (err instanceof UnreadableBody) code = invalid(io, [{ path: BODY_PATH, message: err.message }]);
    else if (err instanceof UsageError) {
      io.stderr.write(`meetbot: ${err.message}\n`);
      code = EXIT.invalidConfig;
    } else {
      io.stderr.write(`meetbot: unexpected error: ${oneLine(err)}\n`);
      code = EXIT.fatal;
    }
  }
  return code;
}

/** An error as one line for people: its message, never its stack. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 500);
}

/** Bytes to text, refusing what is not UTF-8 (a lenient decode would turn it into U+FFFD and carry on). */
function utf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UnreadableBody('is not valid UTF-8 text');
  }
}

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return utf8(Buffer.concat(chunks));
}

/** The Create Bot body, from exactly one source: a URL argument, --config (file, or "-" for stdin), or BOT_CONFIG. */
async function readBody(url: string | undefined, flags: JoinFlags, env: NodeJS.ProcessEnv, io: CliIo): Promise<string> {
  if (url !== undefined && flags.config !== undefined) throw new UsageError('give either a meeting URL or --config, not both');
  if (url !== undefined) return JSON.stringify({ meeting_url: url, ...(flags.name !== undefined ? { bot_name: flags.name } : {}) });
  if (flags.config === '-') return readAll(io.stdin);
  if (flags.config !== undefined) return readConfigFile(flags.config, '--config');
  if (env.BOT_CONFIG !== undefined) return env.BOT_CONFIG;
  throw new UsageError('no bot config: give a meeting URL, --config <file|->, or BOT_CONFIG');
}

async function readConfigFile(file: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? oneLine(err)}`);
  }
  return utf8(bytes);
}

function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  return ['1', 'true', 'yes'].includes((env[name] ?? '').toLowerCase());
}

const UI_INPUTS: readonly UiInputSetting[] = ['auto', 'os', 'cdp'];

function uiInputFromEnv(env: NodeJS.ProcessEnv): UiInputSetting {
  const raw = env.MEETBOT_UI_INPUT;
  if (raw === undefined || raw === '') return 'auto';
  if (!(UI_INPUTS as readonly string[]).includes(raw)) throw new UsageError(`MEETBOT_UI_INPUT must be one of ${UI_INPUTS.join(', ')} (got ${JSON.stringify(raw.slice(0, 40))})`);
  return raw as UiInputSetting;
}

/** A positive number of seconds from the environment; a typo must not become "end at once" (NaN). */
function envSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number of seconds (got ${JSON.stringify(raw.slice(0, 40))})`);
  return n;
}

/**
 * The command channel to the service that started the bot: a ws(s) URL (--control-url or MEETBOT_CONTROL_URL)
 * and the bot's token, from MEETBOT_CONTROL_TOKEN only (on the command line it would show in `ps`). Both or
 * neither.
 */
function controlChannel(flags: JoinFlags, env: NodeJS.ProcessEnv): Pick<RuntimeOptions, 'controlUrl' | 'controlToken'> {
  const urlName = flags.controlUrl !== undefined ? '--control-url' : 'MEETBOT_CONTROL_URL';
  const url = flags.controlUrl ?? (env.MEETBOT_CONTROL_URL || undefined);
  const token = env.MEETBOT_CONTROL_TOKEN || undefined;
  if (url === undefined) {
    if (token !== undefined) throw new UsageError('MEETBOT_CONTROL_TOKEN is set without a control URL: give --control-url or MEETBOT_CONTROL_URL too');
    return { controlUrl: null, controlToken: null };
  }
  if (!/^wss?:$/.test(URL.parse(url)?.protocol ?? '')) throw new UsageError(`${urlName} must be a ws:// or wss:// URL (got ${JSON.stringify(url.slice(0, 100))})`);
  if (token === undefined) throw new UsageError(`${urlName} needs the bot's token in MEETBOT_CONTROL_TOKEN (never on the command line)`);
  return { controlUrl: url, controlToken: token };
}

/** A signed-in bot's account (account/loadCredential.ts); a bad one is a usage error naming the field. */
async function credential(flags: JoinFlags, env: NodeJS.ProcessEnv): Promise<RuntimeOptions['credential']> {
  try {
    const loaded = await loadCredential(flags.credential, env);
    // A trace keeps what was typed, the inputs' values and the requests' cookies: the account's secrets.
    if (loaded && flags.trace) throw new UsageError('--trace would record the account\'s password and session cookies: trace a bot without a credential');
    return loaded;
  } catch (err) {
    if (err instanceof CredentialError) throw new UsageError(err.message);
    throw err;
  }
}

/** The store that takes recordings when a body asks for external storage (config/objectStoreSettings.ts). */
function objectStore(env: NodeJS.ProcessEnv): ObjectStoreSettings {
  try {
    return objectStoreSettings(env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The operator's Zoom Meeting SDK app (account/zoomSdk.ts). */
function zoomSdk(env: NodeJS.ProcessEnv): ZoomSdkSettings | null {
  try {
    return zoomSdkSettings(env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function invalid(io: CliIo, errors: Parameters<typeof formatConfigErrors>[0]): number {
  io.stderr.write(`invalid bot config:\n${formatConfigErrors(errors)}\n`);
  return EXIT.invalidConfig;
}

async function join(url: string | undefined, flags: JoinFlags, env: NodeJS.ProcessEnv, io: CliIo, deps: CliDeps): Promise<number> {
  const allowLoopback = flags.allowLoopback === true || envFlag(env, 'MEETBOT_ALLOW_LOOPBACK');
  const text = await readBody(url, flags, env, io);
  const parsed = parseBotConfigText(text, { allowLoopback, ...(flags.platform ? { platform: flags.platform } : {}), ...(flags.api ? { api: flags.api } : {}) });
  if (!parsed.ok) return invalid(io, parsed.errors);
  if (flags.name !== undefined && url === undefined) parsed.spec.bot_name = flags.name;
  if (flags.signIn) parsed.spec.sign_in = { mode: flags.signIn, group: parsed.spec.sign_in?.group ?? null };
  // A trace keeps what the page was handed: the Zoom tokens and the SDK signature given to ZoomMtg.join.
  if (flags.trace === true && parsed.spec.zoom_auth) throw new UsageError('--trace would record the Zoom tokens the bot fetches: trace a bot without Zoom token URLs');
  const botId = flags.botId ?? env.BOT_ID ?? randomUUID();
  const opts: RuntimeOptions = {
    outDir: resolve(flags.out ?? env.MEETBOT_OUT_DIR ?? `out/${botId}`),
    botId,
    chromiumPath: flags.chromium ?? env.CHROMIUM_PATH ?? RUNTIME_DEFAULTS.chromiumPath,
    ffmpegPath: flags.ffmpeg ?? env.FFMPEG_PATH ?? RUNTIME_DEFAULTS.ffmpegPath,
    headful: flags.headful === true,
    uiInput: flags.uiInput ?? uiInputFromEnv(env),
    trace: flags.trace === true,
    allowLoopback,
    stepTimeoutMs: RUNTIME_DEFAULTS.stepTimeoutMs,
    pollIntervalMs: RUNTIME_DEFAULTS.pollIntervalMs,
    webhookUrl: flags.webhookUrl ?? env.MEETBOT_WEBHOOK_URL ?? null,
    webhookSecret: env.MEETBOT_WEBHOOK_SECRET ?? null,
    ...controlChannel(flags, env),
    credential: await credential(flags, env),
    objectStore: objectStore(env),
    zoomSdk: zoomSdk(env),
    storageSecrets: [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter((s): s is string => !!s),
    maxRuntimeSec: envSeconds(env, 'MEETBOT_MAX_RUNTIME_SEC', RUNTIME_DEFAULTS.maxRuntimeSec),
    watchdogSec: envSeconds(env, 'MEETBOT_WATCHDOG_SEC', RUNTIME_DEFAULTS.watchdogSec),
    zoomUnstartedReloadSec: envSeconds(env, 'MEETBOT_ZOOM_UNSTARTED_RELOAD_SEC', RUNTIME_DEFAULTS.zoomUnstartedReloadSec),
    logLevel: flags.logLevel ?? 'info',
    eventsToStdout: true,
    logsToStderr: true,
  };
  const outcome = await deps.runBot(parsed.spec, opts, io.stop ?? new AbortController().signal);
  io.stderr.write(`meetbot: ${outcome.final.code}${outcome.final.sub_code ? ` (${outcome.final.sub_code})` : ''}; output in ${opts.outDir}\n`);
  return outcome.exitCode;
}

async function validate(file: string, flags: { platform?: Platform; allowLoopback?: boolean }, io: CliIo): Promise<number> {
  const text = file === '-' ? await readAll(io.stdin) : await readConfigFile(file, 'the body file');
  const parsed = parseBotConfigText(text, { allowLoopback: flags.allowLoopback === true, ...(flags.platform ? { platform: flags.platform } : {}) });
  if (!parsed.ok) return invalid(io, parsed.errors);
  // The links carry the passcode too (pwd=...): the printed spec shows neither.
  const redact = redactorFor(parsed.spec, NO_RUNTIME_SECRETS);
  io.stdout.write(redact(JSON.stringify({ valid: true, spec: parsed.spec }, null, 2)) + '\n');
  return EXIT.done;
}

function program(env: NodeJS.ProcessEnv, io: CliIo, deps: CliDeps, setExit: (code: number) => void): Command {
  const platformOption = () => new Option('--platform <platform>', 'platform of a loopback URL (with --allow-loopback)').choices(PLATFORMS);
  // Output and exit behaviour are set before the commands are added: subcommands inherit them.
  const cli = new Command('meetbot')
    .description('One meeting bot: joins a Google Meet, Zoom, Webex or Microsoft Teams meeting, records it and reports its status.')
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
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
    .addOption(
      new Option('--ui-input <mode>', 'how the join steps click and type: the platform\'s choice, OS-level (XTEST) or CDP input (also MEETBOT_UI_INPUT)').choices(UI_INPUTS),
    )
    .addOption(new Option('--api <api>', "the API the body was written for: its defaults apply and the other API's fields are refused (default: the body's fields decide)").choices(['recall', 'attendee']))
    .option('--trace', 'record a Playwright trace of the page into <out>/trace.zip (debugging; it holds the page, passcode included)')
    .option('--chromium <path>', 'Chromium binary (default $CHROMIUM_PATH or /usr/bin/chromium)')
    .option('--ffmpeg <path>', 'ffmpeg binary (default $FFMPEG_PATH or ffmpeg)')
    .option('--bot-id <id>', 'bot id used in events and webhooks (default $BOT_ID or a new UUID)')
    .option('--webhook-url <url>', 'extra status webhook endpoint (also MEETBOT_WEBHOOK_URL)')
    .option('--control-url <url>', 'ws(s) URL of the command channel to the service that started this bot (also MEETBOT_CONTROL_URL; its token only from MEETBOT_CONTROL_TOKEN)')
    .addOption(new Option('--sign-in <mode>', "sign in whatever the body says (the service's signed-in retry; Google Meet and Microsoft Teams)").choices(['always', 'only_if_required']))
    .option('--credential <file>', 'account of a signed-in bot: a saved session and/or email and password, JSON (also MEETBOT_CREDENTIAL_FILE); a rotated session is written back to it')
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
    .action(async (url: string | undefined, flags: JoinFlags) => setExit(await join(url, flags, env, io, deps)));

  addServiceCommands(cli, { env, io, setExit, usage: (message) => new UsageError(message) });

  cli
    .command('validate <file>')
    .description('check a Create Bot body and print the normalised bot spec ("-" reads stdin)')
    .addOption(platformOption())
    .option('--allow-loopback', 'accept loopback meeting URLs (with --platform)')
    .action(async (file: string, flags: { platform?: Platform; allowLoopback?: boolean }) => setExit(await validate(file, flags, io)));

  cli
    .command('schema')
    .description('print the JSON Schema of the Create Bot body')
    .action(() => {
      io.stdout.write(JSON.stringify(botConfigJsonSchema(), null, 2) + '\n');
      setExit(EXIT.done);
    });

  return cli;
}
