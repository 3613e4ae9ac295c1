import type { PlatformAdapter } from '../../src/platform/adapter.js';
import { pageStep } from '../../src/platform/page.js';
import { dismissNotices, joinComputerAudio, leave, openChat, sendChat } from './inCall.js';
import { joinZoom } from './join.js';
import { probeZoom, type ZoomProbeMemory } from './probe.js';
import { TILES } from './selectors.js';

/** Zoom's chat accepts 4096 characters (Recall docs). */
const ZOOM_CHAT_LIMIT = 4096;

/**
 * Zoom's web client (platforms.md 2). Zoom shows the same "You have been removed" to a guest removed from the
 * waiting room and to one removed from the meeting (2.5), and sign-in means an account wall before admission
 * but an end after it: only whether this bot ever got in tells them apart, so each bot's adapter remembers that
 * for its own page.
 */
export function createZoomAdapter(): PlatformAdapter {
  const seen: ZoomProbeMemory = { admitted: false };
  return {
    platform: 'zoom',
    chatLimit: ZOOM_CHAT_LIMIT,
    // The /j/ and /my/ landing pages launch the desktop app (ScreenApp allows zoommtg by policy for the same reason).
    externalProtocols: ['zoommtg', 'zoomus'],
    // Vexa's production Zoom join clicks in-page and records it working on the live client: CDP input suffices.
    joinInput: 'cdp',
    tiles: TILES,
    join: (ctx) => joinZoom(ctx, seen),
    probe: (ctx) => probeZoom(ctx, seen),
    maintain: dismissNotices,
    async afterAdmitted(ctx) {
      await pageStep(ctx, 'dismiss in-call notices', () => dismissNotices(ctx)).catch(() => undefined);
      await pageStep(ctx, 'join computer audio', () => joinComputerAudio(ctx)).catch((err: unknown) =>
        ctx.log.warn('could not join computer audio: the meeting audio may be missing', { error: String(err) }),
      );
      // Open the chat panel once so incoming messages are in the DOM for the probe.
      await pageStep(ctx, 'open the chat panel', () => openChat(ctx)).catch((err: unknown) =>
        ctx.log.warn('could not open the chat panel', { error: String(err) }),
      );
    },
    sendChat,
    leave,
  };
}
