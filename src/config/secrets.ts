import { redactorOf, type LearningRedact } from '../util/redact.js';
import type { BotSpec } from './botSpec.js';

/** Query parameters of a join link that are credentials (Zoom passcode, registration token, ZAK). */
const SECRET_PARAMS = ['pwd', 'tk', 'zak'];

/** Secrets of the runtime settings rather than of the body. */
export interface RuntimeSecrets {
  /** Standard Webhooks secret (`whsec_...`). */
  webhookSecret: string | null;
  /** The bot's token on its command channel to the service. */
  controlToken: string | null;
  /** The object store's secret access key and session token (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). */
  storageSecrets: readonly string[];
  /** The Zoom Meeting SDK app's secret (MEETBOT_ZOOM_SDK_SECRET). */
  zoomSdk?: { secret: string } | null;
}

export const NO_RUNTIME_SECRETS: RuntimeSecrets = { webhookSecret: null, controlToken: null, storageSecrets: [] };

/**
 * Every string the bot must never write to a log, an event or an artifact: the meeting passcode (also as it
 * appears URL-encoded in the join link), the link's tokens, the webhook secret (also without its `whsec_`
 * prefix, the form that is actually the key), the control token and the object store's secrets.
 */
export function secretsOf(spec: Pick<BotSpec, 'meeting'>, runtime: RuntimeSecrets): string[] {
  const out = new Set<string>();
  const add = (s: string | null | undefined) => {
    if (s) out.add(s);
  };
  const password = spec.meeting.password;
  add(password);
  if (password) add(encodeURIComponent(password));
  for (const link of [spec.meeting.join_url, spec.meeting.original_url]) {
    try {
      const params = new URL(link).searchParams;
      for (const name of SECRET_PARAMS) add(params.get(name));
    } catch {
      /* a loopback test link without a query: nothing to add */
    }
  }
  add(runtime.webhookSecret);
  add(runtime.webhookSecret?.replace(/^whsec_/, ''));
  add(runtime.controlToken);
  runtime.storageSecrets.forEach(add);
  add(runtime.zoomSdk?.secret);
  return [...out];
}

/**
 * The one redaction of a bot: its log, events, evidence, its command channel and the CLI's printed spec all use it.
 * Secrets the bot learns later (Zoom tokens fetched at join time) are added to it (`learn`).
 */
export function redactorFor(spec: Pick<BotSpec, 'meeting'>, runtime: RuntimeSecrets): LearningRedact {
  return redactorOf(secretsOf(spec, runtime));
}
