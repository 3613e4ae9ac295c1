import type { BrowserContext } from 'playwright-core';
import { credentialSecrets } from '../account/credential.js';
import type { BotSpec } from '../config/botSpec.js';
import type { ControlChannel } from '../control/channel.js';
import type { AdapterContext } from '../platform/adapter.js';
import type { Logger } from '../util/log.js';
import type { LearningRedact } from '../util/redact.js';
import { BotAccount, credentialSink } from './botAccount.js';
import type { EndReason } from './endReason.js';
import type { RuntimeOptions } from './runtimeOptions.js';
import { ZoomJoinAuth } from './zoomJoin.js';

/**
 * Who the bot is when it joins, beyond its name: the account it signs in with (Google Meet, Teams) and the tokens
 * it joins Zoom with. The session asks it once before the browser starts, once the browser is up, for what the
 * adapter sees, at admission and at the end.
 */
export class JoinIdentity {
  private readonly account: BotAccount;
  private readonly zoom: ZoomJoinAuth;

  constructor(spec: BotSpec, opts: RuntimeOptions, control: ControlChannel | null, redact: LearningRedact, log: Logger) {
    // The account's password, TOTP secret and session cookies join the bot's one redaction before anything is said.
    if (opts.credential) redact.learn(...credentialSecrets(opts.credential.value));
    this.account = new BotAccount(spec, opts.credential?.value ?? null, credentialSink(opts.credential?.file ?? null, control), log.child('account'));
    this.zoom = new ZoomJoinAuth(spec, opts, redact, log.child('zoom'));
  }

  /** A bot that cannot join as its body asks (no credential, no Zoom SDK app) ends before its browser starts. */
  startFailure(): EndReason | null {
    return this.account.startFailure() ?? this.zoom.startFailure();
  }

  /** Puts a saved session into the browser before the meeting's page opens. */
  prepare(context: BrowserContext): Promise<void> {
    return this.account.prepare(context);
  }

  forAdapter(): Pick<AdapterContext, 'account' | 'zoom'> {
    return { account: this.account.access(), zoom: this.zoom.access() };
  }

  /** Platforms rotate a session's cookies when it joins: written back if so (never throws). */
  admitted(): void {
    void this.account.save();
  }

  /** The last write-back of the session, while the browser is still up (never throws). */
  beforeBrowserCloses(): Promise<void> {
    return this.account.save();
  }

  /** Stops what the identity started (the Zoom SDK page's server). */
  close(): Promise<void> {
    return this.zoom.close();
  }
}
