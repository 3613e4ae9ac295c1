import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ArtifactKind } from './store/artifacts.js';

/** How long a download link works (Attendee's recording URL is short-lived too). */
export const MEDIA_LINK_TTL_SEC = 3600;

/**
 * Short-lived download links for a bot's artifacts: `<public url>/media/<bot id>/<kind>?expires=..&signature=..`.
 * The link itself is the permission (a client can hand it to a player); it names one artifact and expires.
 */
export class MediaLinks {
  constructor(private readonly key: Buffer) {}

  /** A link under `base` (the configured public URL, or the origin the client called). */
  url(base: string, botId: string, kind: ArtifactKind, nowSec = Math.floor(Date.now() / 1000)): string {
    const expires = nowSec + MEDIA_LINK_TTL_SEC;
    return `${base}/media/${botId}/${kind}?expires=${expires}&signature=${this.sign(botId, kind, expires)}`;
  }

  /** Whether a link's parts were signed here and have not expired. */
  verify(botId: string, kind: string, expires: string, signature: string, nowSec = Math.floor(Date.now() / 1000)): boolean {
    const exp = Number(expires);
    if (!Number.isInteger(exp) || exp < nowSec) return false;
    const want = Buffer.from(this.sign(botId, kind, exp));
    const got = Buffer.from(signature);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private sign(botId: string, kind: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${botId}\n${kind}\n${expires}`).digest('base64url');
  }
}
