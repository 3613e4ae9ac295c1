import type { AccountCredential } from '../account/credential.js';
import type { ObjectStoreSettings } from '../config/objectStoreSettings.js';
import type { ZoomSdkSettings } from '../account/zoomSdk.js';
import type { UiInputSetting } from './sessionInput.js';

/**
 * Settings of the runtime itself, as opposed to the Create Bot body: where things are on this machine and
 * what the operator allows. They come from CLI flags and environment variables (see docs/configuration.md, "Runtime
 * settings").
 */
export interface RuntimeOptions {
  /** Output folder of this bot: recording, events.jsonl, manifest.json, ... */
  outDir: string;
  botId: string;
  chromiumPath: string;
  ffmpegPath: string;
  /** Run Chromium visibly on the user's own display (debugging); no Xvfb is started. */
  headful: boolean;
  /** Record a Playwright trace of the page into `<outDir>/trace.zip` (debugging; it holds what the page held). */
  trace: boolean;
  /** Operator switch for tests and local debugging: loopback meeting URLs and loopback WebRTC. */
  allowLoopback: boolean;
  /** How the join steps click and type: the adapter's choice (`auto`), or OS-level / CDP input for every platform. */
  uiInput: UiInputSetting;
  /** Upper bound of any single page operation. */
  stepTimeoutMs: number;
  /** How often the page is read while waiting and in the call. */
  pollIntervalMs: number;
  /** Extra webhook endpoint and the Standard Webhooks secret (whsec_...) that signs every delivery. */
  webhookUrl: string | null;
  webhookSecret: string | null;
  /**
   * The command channel to the service that started this bot (src/control): its ws(s) URL and this bot's token.
   * Both or neither.
   */
  controlUrl: string | null;
  controlToken: string | null;
  /** The S3-compatible store that takes recordings when a body asks (`external_media_storage_settings`). */
  objectStore: ObjectStoreSettings;
  /** Its secret access key and session token, from the environment: only so that nothing ever writes them. */
  storageSecrets: readonly string[];
  /**
   * The account a signed-in bot uses (`--credential FILE`, MEETBOT_CREDENTIAL_FILE, or MEETBOT_CREDENTIAL from
   * the service). `file`: where a rotated session is written back; null when it came from the environment.
   */
  credential: { value: AccountCredential; file: string | null } | null;
  /** The operator's Zoom Meeting SDK app: a Zoom bot given tokens joins through the SDK (account/zoomSdk.ts). */
  zoomSdk?: ZoomSdkSettings | null;
  /** Global cap on the bot's whole life, whatever the rules say (seconds). */
  maxRuntimeSec: number;
  /** Ends a bot whose page stops answering, or whose current step makes no progress, for this long (seconds). */
  watchdogSec: number;
  /** Zoom: how often its 3,001 page is loaded again while the host has not started the meeting (seconds). */
  zoomUnstartedReloadSec: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Write events as JSON lines to stdout (the CLI does; tests embedding the runtime may not). */
  eventsToStdout: boolean;
  /** Write log lines to stderr as well as to bot.log (the CLI does; tests embedding the runtime may not). */
  logsToStderr: boolean;
}

export const RUNTIME_DEFAULTS = {
  chromiumPath: '/usr/bin/chromium',
  ffmpegPath: 'ffmpeg',
  stepTimeoutMs: 15_000,
  pollIntervalMs: 500,
  maxRuntimeSec: 6 * 3600,
  watchdogSec: 120,
  // Vexa's pace: each reload is a request to Zoom, and the bot joins at most this long after the host starts.
  zoomUnstartedReloadSec: 15,
} as const;
