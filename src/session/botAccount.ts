import type { BrowserContext } from 'playwright-core';
import { captureSession, restoreSession, sessionChanged } from '../account/browserSession.js';
import { describeCredential, type AccountCredential } from '../account/credential.js';
import type { BotSpec } from '../config/botSpec.js';
import type { ControlChannel } from '../control/channel.js';
import { writeJsonAtomic } from '../outputs/atomicWrite.js';
import type { FatalSubCode } from '../lifecycle/codes.js';
import type { AccountAccess } from '../platform/adapter.js';
import type { Logger } from '../util/log.js';
import { endFor, type EndReason } from './endReason.js';

/** Where a rotated session goes: the credential file it came from, the service's login group (command channel). */
export type CredentialSink = (credential: AccountCredential) => Promise<void>;

/**
 * The credential file (`--credential`) is rewritten in place, readable by its owner only; a bot started by the
 * service reports the session on its command channel, and the service stores it in the login group.
 */
export function credentialSink(file: string | null, control: ControlChannel | null): CredentialSink {
  return (credential) => {
    if (file) writeJsonAtomic(file, credential, 0o600);
    control?.reportCredential(credential);
    return Promise.resolve();
  };
}

/** The sub_code of a bot told to sign in with no credential for its platform. */
const MISSING: Partial<Record<BotSpec['meeting']['platform'], FatalSubCode>> = {
  google_meet: 'google_meet_sign_in_missing_login_credentials',
  microsoft_teams: 'microsoft_teams_sign_in_credentials_missing',
};

/**
 * The signed-in side of one bot's run: the credential it was given (only the one for its meeting's platform
 * counts), the saved session put into the browser before the join, and the session written back whenever the
 * platform has rotated it (after a sign-in, at admission, before the browser closes).
 */
export class BotAccount {
  private credential: AccountCredential | null;
  private context: BrowserContext | null = null;
  private isSignedIn = false;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: Pick<BotSpec, 'sign_in' | 'meeting'>,
    given: AccountCredential | null,
    private readonly sink: CredentialSink,
    private readonly log: Logger,
  ) {
    this.credential = given?.platform === spec.meeting.platform ? given : null;
    if (given && !this.credential) log.warn('account: the credential is for another platform; it is not used', { credential_platform: given.platform });
  }

  /** A bot that must sign in before anything and has nothing to sign in with ends before the browser starts. */
  startFailure(): EndReason | null {
    const sub_code = MISSING[this.spec.meeting.platform];
    if (this.spec.sign_in?.mode !== 'always' || this.credential || !sub_code) return null;
    return endFor(sub_code, { reason: 'the body asks the bot to sign in and no credential was given for this platform' });
  }

  /** Puts the saved session into the browser, before the meeting's page is opened. */
  async prepare(context: BrowserContext): Promise<void> {
    this.context = context;
    if (!this.spec.sign_in || !this.credential) return;
    this.log.info('account: signing in as', describeCredential(this.credential));
    if (this.credential.storage_state) await restoreSession(context, this.credential.storage_state);
  }

  /** What the adapter sees (AdapterContext.account). */
  access(): AccountAccess | null {
    const sign_in = this.spec.sign_in;
    if (!sign_in) return null;
    return {
      mode: sign_in.mode,
      credential: this.credential,
      signedIn: () => {
        this.isSignedIn = true;
        void this.save();
      },
    };
  }

  /**
   * Writes the browser's session back when it differs from the stored one (serialised: saves never overlap).
   * Only once the page was signed in: a guest's cookies are not the account's. Never throws.
   */
  save(): Promise<void> {
    this.saving = this.saving.then(() => this.saveNow());
    return this.saving;
  }

  private async saveNow(): Promise<void> {
    const context = this.context;
    const current = this.credential;
    if (!this.isSignedIn || !context || !current) return;
    try {
      const state = await captureSession(context);
      if (!sessionChanged(current.storage_state, state)) return;
      const updated: AccountCredential = { ...current, storage_state: state, saved_at: new Date().toISOString() };
      await this.sink(updated);
      this.credential = updated;
      this.log.info('account: session written back', { cookies: state.cookies.length });
    } catch (err) {
      this.log.warn('account: could not write the session back', { message: err instanceof Error ? err.message : String(err) });
    }
  }
}
