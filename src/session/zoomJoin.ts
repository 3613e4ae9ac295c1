import { zoomSdkScripts, zoomSdkSignature } from '../account/zoomSdk.js';
import { fetchPlainToken, fetchZoomTokens, hasTokens, ZoomTokenError, type TokenFetchOptions, type ZoomTokens } from '../account/zoomTokens.js';
import type { BotSpec } from '../config/botSpec.js';
import { parseWebhookSecret } from '../events/statusWebhook.js';
import { JoinStepError, type ZoomJoinAccess, type ZoomJoinTokens } from '../platform/adapter.js';
import type { Logger } from '../util/log.js';
import type { LearningRedact } from '../util/redact.js';
import { endFor, type EndReason } from './endReason.js';
import type { RuntimeOptions } from './runtimeOptions.js';
import { ZoomSdkPageServer } from './zoomSdkPage.js';

const FETCH_STEP = 'fetch the Zoom tokens';

/**
 * The Zoom side of a bot's credentials: the body's token URLs, fetched when the adapter is about to join, and the
 * operator's Meeting SDK app that the tokens need. Every token and signature joins the bot's redaction before it
 * leaves here.
 */
export class ZoomJoinAuth {
  private fetched: ZoomTokens | null = null;
  private readonly page: ZoomSdkPageServer | null;

  constructor(
    private readonly spec: Pick<BotSpec, 'zoom_auth' | 'meeting' | 'metadata' | 'automatic_leave'>,
    private readonly opts: Pick<RuntimeOptions, 'zoomSdk' | 'allowLoopback' | 'webhookSecret' | 'botId'>,
    private readonly redact: LearningRedact,
    private readonly log: Logger,
  ) {
    this.page = opts.zoomSdk && spec.zoom_auth ? new ZoomSdkPageServer(zoomSdkScripts(opts.zoomSdk)) : null;
  }

  /** Token URLs without an SDK app to use the tokens with end the bot before its browser starts. */
  startFailure(): EndReason | null {
    if (!this.spec.zoom_auth || this.opts.zoomSdk) return null;
    return endFor('zoom_sdk_credentials_missing', {
      reason: 'the body gives Zoom token URLs; Zoom takes its tokens only through the Meeting SDK, and MEETBOT_ZOOM_SDK_KEY and MEETBOT_ZOOM_SDK_SECRET are not set',
    });
  }

  /** What the adapter sees (AdapterContext.zoom). */
  access(): ZoomJoinAccess | null {
    const sdk = this.opts.zoomSdk;
    const page = this.page;
    if (!this.spec.zoom_auth || !sdk || !page) return null;
    return {
      tokens: (attempt) => this.tokens(attempt),
      sdk: {
        key: sdk.key,
        page: () => page.page(),
        signature: (meetingNumber) => {
          const signature = zoomSdkSignature(sdk, meetingNumber);
          this.redact.learn(signature);
          return signature;
        },
      },
      authorizedUserTimeoutMs: this.spec.automatic_leave.authorized_user_not_in_meeting_timeout * 1000,
    };
  }

  /** Stops the SDK page's server, if it was started. */
  close(): Promise<void> {
    return this.page?.close() ?? Promise.resolve();
  }

  private async tokens(attempt: number): Promise<ZoomJoinTokens> {
    const auth = this.spec.zoom_auth!;
    try {
      if (!this.fetched) {
        this.fetched = await fetchZoomTokens(auth, this.fetchOptions());
        const t = this.fetched;
        this.log.info(hasTokens(t) ? 'zoom: tokens fetched' : 'zoom: no token for this bot (404): joining the web client as a guest', {
          zak: t.zak !== null,
          join_token: t.joinToken !== null,
          obf_tokens: t.obf.length,
        });
      } else if (attempt > 0 && auth.obf_token_url) {
        // OBF tokens are single-use and short-lived (Recall): every new attempt gets one minted for it.
        const fresh = await fetchPlainToken('zoom.obf_token_url', auth.obf_token_url, this.fetchOptions());
        if (fresh) this.fetched = { ...this.fetched, obf: [fresh] };
      }
    } catch (err) {
      if (err instanceof ZoomTokenError) throw new JoinStepError(FETCH_STEP, [], 'zoom_token_fetch_failed', err.message);
      throw err;
    }
    const { zak, joinToken, obf } = this.fetched;
    return { zak, joinToken, obf: obf.length > 0 ? obf[attempt % obf.length]! : null };
  }

  private fetchOptions(): TokenFetchOptions {
    return {
      allowLoopback: this.opts.allowLoopback,
      webhookKey: this.opts.webhookSecret ? parseWebhookSecret(this.opts.webhookSecret) : null,
      bot: { id: this.opts.botId, metadata: this.spec.metadata, meetingUrl: this.spec.meeting.original_url },
      learn: (secret) => this.redact.learn(secret),
    };
  }
}
