import type { AdapterContext, PlatformAdapter } from '../../src/platform/adapter.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { clickFirst, findFirst, openChatPanel, pageStep, requireFirst, JOIN_POLL_MS, waitForClearedComposer, wakeToolbar } from '../../src/platform/page.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { applyMeetLayout } from './layout.js';
import { reachPreJoin } from './preJoin.js';
import { newProbeMemory, probeMeet, type MeetProbeMemory } from './probe.js';
import { receiveAudioOnly } from './receiveAudioOnly.js';
import * as S from './selectors.js';

/** Recall documents 500 characters for Meet chat; longer messages are split by the runtime. */
const MEET_CHAT_LIMIT = 500;
const CTA_ATTEMPTS = 3;
const TOGGLE_ATTEMPTS = 3;
const TOGGLE_FLIP_MS = 1500;
/** How long a host's "Just leave the meeting" confirm may take to appear after Leave call. */
const LEAVE_CONFIRM_WAIT_MS = 1500;

/**
 * Google Meet (platforms.md 1). A page sent off Meet means a block before the join click, a dropped knock after
 * it and an end after admission: only what this bot did tells them apart, so each bot's adapter remembers that
 * (and whether it signed in) for its own page.
 */
export function createGoogleMeetAdapter(): PlatformAdapter {
  const seen: MeetProbeMemory = newProbeMemory();
  return {
    platform: 'google_meet',
    chatLimit: MEET_CHAT_LIMIT,
    externalProtocols: [],
    // Vexa's join code (2026-06) records real Meet refusing CDP-driven input ("no real pointer movement");
    // Vexa and Attendee both default to XTEST for Meet's name, toggles and join button.
    joinInput: 'os',
    tiles: S.TILES,
    applyLayout: applyMeetLayout,

    async join(ctx) {
      await pageStep(ctx, 'open the meeting page', () =>
        withTimeout(
          ctx.page.goto(ctx.meeting.join_url, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }),
          ctx.stepTimeoutMs + 1000,
          'open the meeting page',
        ),
      );
      const form = await pageStep(ctx, 'reach the pre-join form', () => reachPreJoin(ctx, seen));
      if (!form) return; // an error, lobby or in-call screen, or a wall: the runtime's probe reports it
      // A signed-in page has no name field: Meet shows the account's name.
      if (form.kind === 'guest') await pageStep(ctx, 'type the name', () => ctx.input.fill(form.nameInput, ctx.botName));
      await pageStep(ctx, 'turn the microphone off', () => switchOff(ctx, 'turn the microphone off', S.MIC_ON, S.MIC_OFF));
      await pageStep(ctx, 'turn the camera off', () => switchOff(ctx, 'turn the camera off', S.CAMERA_ON, S.CAMERA_OFF));
      await ctx.untilJoinTime();
      await pageStep(ctx, 'click the join button', () => clickJoin(ctx, seen));
    },

    probe: (ctx) => probeMeet(ctx, seen),

    async maintain(ctx) {
      const dialog = ctx.page.locator(S.CONSENT_DIALOG).first();
      if (await dialog.isVisible().catch(() => false)) {
        const text = (await dialog.innerText({ timeout: ctx.stepTimeoutMs }).catch(() => '')).toLowerCase();
        if (S.CONSENT_DIALOG_TEXTS.some((t) => text.includes(t.toLowerCase()))) {
          await clickFirst(dialog, S.CONSENT_ACK, { timeoutMs: 0 }).catch(() => null);
        }
      }
      await clickFirst(ctx.page, S.INCALL_POPUP_BUTTONS, { timeoutMs: 0 }).catch(() => null);
    },

    async afterAdmitted(ctx) {
      await this.maintain(ctx);
      // The chat list exists only while the panel is open, so open it once to read incoming messages.
      await openChat(ctx).catch((err: unknown) => ctx.log.warn('could not open the chat panel', { error: String(err) }));
      if (ctx.needsIncomingVideo === false) await receiveAudioOnly(ctx);
    },

    async sendChat(ctx, message) {
      const input = await openChat(ctx);
      await input.locator.click({ timeout: ctx.stepTimeoutMs });
      await ctx.page.keyboard.insertText(message);
      const sent = await clickFirst(ctx.page, S.CHAT_SEND, { timeoutMs: 1000 }).catch(() => null);
      if (!sent) await ctx.page.keyboard.press('Enter');
      // A cleared composer is the send confirmation (Vexa); a visible failure notice is not.
      await waitForClearedComposer(input.locator, ctx.stepTimeoutMs);
      const failed = await ctx.page.getByText(S.CHAT_NOT_DELIVERED).first().isVisible().catch(() => false);
      if (failed) throw new JoinStepError('send the chat message', S.CHAT_SEND, 'bot_errored', 'Meet said the message was not delivered');
    },

    async leave(ctx) {
      await wakeToolbar(ctx).catch(() => undefined);
      await requireFirst(ctx.page, 'leave the call', S.LEAVE, { timeoutMs: ctx.stepTimeoutMs, state: 'attached' }).then((f) =>
        f.locator.click({ timeout: ctx.stepTimeoutMs, force: true }),
      );
      // Only a host gets a confirm dialog; anyone else is out at the click, so stop as soon as either shows.
      const deadline = Date.now() + LEAVE_CONFIRM_WAIT_MS;
      while (Date.now() < deadline) {
        if ((await probeMeet(ctx, seen).catch(() => null))?.state.phase === 'ended') return;
        if (await clickFirst(ctx.page, S.LEAVE_CONFIRM, { timeoutMs: 0 }).catch(() => null)) return;
        await sleep(100);
      }
    },
  };
}

/**
 * Clicks a live toggle off and confirms by its flipped label, a few times (Attendee retries five). A toggle
 * already off (the device modal's "Continue without microphone and camera" does that) needs no wait; a page
 * without the toggle has no device. One that never flips is reported and the join goes on, as the peers do: the
 * bot's fake microphone and camera carry silence and black (chromiumFlags.ts), so a live one sends nothing.
 */
async function switchOff(ctx: AdapterContext, step: string, live: readonly string[], off: readonly string[]) {
  for (let attempt = 1; attempt <= TOGGLE_ATTEMPTS; attempt++) {
    if (await findFirst(ctx.page, off, { timeoutMs: 0, state: 'attached', log: ctx.log, what: step })) return;
    const toggle = await findFirst(ctx.page, live, { timeoutMs: 1000, log: ctx.log, what: step });
    if (!toggle) return;
    await ctx.input.click(toggle.locator, { timeoutMs: 2000 }).catch((err: unknown) => ctx.log.debug(`${step}: click failed`, { error: String(err).split('\n')[0] }));
    if (await findFirst(ctx.page, off, { timeoutMs: TOGGLE_FLIP_MS, state: 'attached', pollMs: JOIN_POLL_MS })) return;
  }
  ctx.log.warn(`${step}: the toggle did not switch off; joining anyway (the device carries silence)`, { tried: [...live, ...off] });
}

/**
 * Clicks the join call-to-action and confirms the page left the form; Meet sometimes ignores the first click.
 * From the click on, a page sent off Meet is a dropped knock, not a block (`seen.asked`).
 */
async function clickJoin(ctx: AdapterContext, seen: MeetProbeMemory) {
  for (let attempt = 1; attempt <= CTA_ATTEMPTS; attempt++) {
    const snap = await probeMeet(ctx, seen);
    if (snap.state.phase !== 'pre_join' && snap.state.phase !== 'unknown') return;
    const cta = await requireFirst(ctx.page, 'click the join button', S.JOIN_CTA, { timeoutMs: ctx.stepTimeoutMs, signal: ctx.signal });
    await ctx.input.click(cta.locator);
    seen.asked = true;
    const left = await waitUntil(ctx, async () => (await probeMeet(ctx, seen)).state.phase !== 'pre_join', 5000);
    if (left) return;
  }
  throw new JoinStepError('click the join button', S.JOIN_CTA, 'ui_element_not_found', `still on the pre-join form after ${CTA_ATTEMPTS} clicks`);
}

function openChat(ctx: AdapterContext) {
  return openChatPanel(ctx, ctx.page, S.CHAT_OPEN, S.CHAT_INPUT);
}

async function waitUntil(ctx: AdapterContext, cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    if (await cond().catch(() => false)) return true;
    await sleep(JOIN_POLL_MS);
  }
  return false;
}
