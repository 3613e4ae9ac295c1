import type { AdapterContext, PlatformAdapter } from '../platform/adapter.js';
import { withTimeout } from '../util/async.js';

const LEAVE_TIMEOUT_MS = 5000;

/**
 * Leaves by the platform's own control, bounded; navigating away is the fallback and, before the bot has
 * knocked (`beforeKnock`), the whole of leaving: there is no Leave control yet. Navigating away always ends
 * the WebRTC session, whatever the platform's UI did.
 */
export async function leaveMeeting(adapter: PlatformAdapter, ctx: AdapterContext, beforeKnock: boolean): Promise<void> {
  const navigateAway = () => withTimeout(ctx.page.goto('about:blank', { timeout: 3000 }), 4000, 'navigate away').catch(() => undefined);
  if (beforeKnock) return void (await navigateAway());
  try {
    await withTimeout(adapter.leave(ctx), LEAVE_TIMEOUT_MS, 'leave the meeting');
  } catch (err) {
    ctx.log.warn('leave control failed; leaving by navigation', { error: String(err) });
    await navigateAway();
  }
}
