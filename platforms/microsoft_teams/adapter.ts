import type { PlatformAdapter } from '../../src/platform/adapter.js';
import { pageStep } from '../../src/platform/page.js';
import { afterAdmittedTeams, leaveTeams, maintainTeams, sendChatTeams } from './inCall.js';
import { joinTeams } from './join.js';
import { applyTeamsLayout } from './layout.js';
import { newTeamsMemory, probeTeams } from './probe.js';
import { TILES } from './selectors.js';

/** Teams chat takes 4096 characters (Recall docs). */
const TEAMS_CHAT_LIMIT = 4096;

/**
 * Microsoft Teams' web client as an anonymous guest, or signed in to a Microsoft account when the body asks it to
 * (signIn.ts; shared/reference/teams.md 2.5). Teams serves different client variants from one session to the next
 * (classic, new, light), so every step reads the page rather than assuming one. What the adapter remembers of its page (whether Join now was clicked, whether the bot got in, what it
 * sent) is one bot's alone: the lobby is told from the pre-join only by the click, and Teams echoes the bot's own
 * messages without an author.
 */
export function createMicrosoftTeamsAdapter(): PlatformAdapter {
  const memory = newTeamsMemory();
  return {
    platform: 'microsoft_teams',
    chatLimit: TEAMS_CHAT_LIMIT,
    // The launcher fires the desktop app's deep link (teams.md 2.1; ScreenApp lists both schemes).
    externalProtocols: ['msteams', 'ms-teams'],
    // No peer saw Teams refuse CDP input (MBaaS even falls back to DOM clicks), teams.md 0.3.
    joinInput: 'cdp',
    tiles: TILES,
    applyLayout: applyTeamsLayout,
    join: (ctx) => joinTeams(ctx, memory),
    probe: (ctx) => probeTeams(ctx, memory),
    maintain: (ctx) => maintainTeams(ctx, memory),
    afterAdmitted: (ctx) => pageStep(ctx, 'settle in the call', () => afterAdmittedTeams(ctx, memory)),
    sendChat: (ctx, message) => sendChatTeams(ctx, memory, message),
    leave: (ctx) => leaveTeams(ctx, memory),
  };
}
