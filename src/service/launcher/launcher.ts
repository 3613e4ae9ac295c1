/**
 * How the service runs a bot. A launcher starts one `meetbot join` for a bot, somewhere (a process of this
 * machine, or a Kubernetes Job), and tells when it is gone. It knows nothing of meetings: the bot reports to the
 * service over its command channel, whose URL and token are part of the request.
 */
export interface LaunchRequest {
  botId: string;
  /** The Create Bot body the bot runs with (JSON text, secrets included: passed privately, never on a command line). */
  body: string;
  api: 'recall' | 'attendee';
  /** ws(s) URL of this bot's command channel, and its token. */
  controlUrl: string;
  controlToken: string;
  /** The login group's credential the bot signs in with (MEETBOT_CREDENTIAL's JSON text), passed as privately as the body; null: none. */
  credential: string | null;
  /**
   * The project's webhook secret, for a bot whose body has Attendee's `callback_settings.zoom_tokens_url`: it signs
   * that callback as Attendee does (MEETBOT_WEBHOOK_SECRET); null for every other bot, which has nothing to sign.
   */
  callbackSecret: string | null;
  /** `always` for the bot's signed-in retry (`meetbot join --sign-in always`, whatever its body says); else null. */
  signIn: 'always' | null;
  /** 1, or 2 for the bot's signed-in retry (its output folder is its own). */
  run: number;
}

/** How a launched bot ended, as far as the launcher can tell. */
export interface BotExit {
  code: number | null;
  signal: string | null;
  /** The bot's last words on stderr (one line), when it failed before it could report. */
  message: string | null;
  /** It never ran (a pod that could not start): the bot is reported as not launched. */
  neverStarted?: boolean;
}

export interface LaunchedBot {
  /** What finds the bot again (a process id, a Job name): stored with the bot. */
  ref: string;
  /** Where its output folder is (recording, events.jsonl, manifest.json). */
  outDir: string;
  /** Settles when the bot is gone. */
  exited: Promise<BotExit>;
}

export interface Launcher {
  readonly name: string;
  /** Starts the bot; rejects with a one-line reason when it cannot be started at all. */
  launch(request: LaunchRequest): Promise<LaunchedBot>;
  /** After a restart of the service: the bot launched as `ref`, if it still runs (its exit is then watched). */
  find(botId: string, ref: string, outDir: string): Promise<LaunchedBot | null>;
  /** Asks a running bot to stop the way an operator would (it leaves, finalises, reports); then makes sure it is gone. */
  stop(ref: string, graceMs: number): Promise<void>;
  /** Removes what is left of a run that has ended (a finished Job, its pod and Secret) before the bot runs again; none for a process. */
  remove?(ref: string): Promise<void>;
  /** Releases what the launcher holds (watches, timers) when the service stops; running bots go on. */
  close(): Promise<void>;
}
