import type { AdapterContext, PlatformAdapter } from '../../src/platform/adapter.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { clickFirst, findFirst, openChatPanel, requireFirst, JOIN_POLL_MS, typeReplacing, waitForClearedComposer, wakeToolbar } from '../../src/platform/page.js';
import { sleep, withTimeout } from '../../src/util/async.js';
import { probeZoom, zoomFrame as clientFrame, type ZoomProbeMemory } from './probe.js';
import * as S from './selectors.js';

/** Zoom's chat accepts 4096 characters (Recall docs). */
const ZOOM_CHAT_LIMIT = 4096;
const PREJOIN_FORM_TIMEOUT_MS = 60_000;
/** The first clicks after the client frame loads are sometimes ignored (meetingbot waits 6 s); retry instead. */
const JOIN_ATTEMPTS = 3;

/**
 * Zoom shows the same "You have been removed" to a guest removed from the waiting room and to one removed from
 * the meeting (platforms.md 2.5): only whether this bot ever got in tells them apart, so each bot's adapter
 * remembers that for its own page.
 */
export function createZoomAdapter(): PlatformAdapter {
  const seen: ZoomProbeMemory = { admitted: false };
  return {
    platform: 'zoom',
    chatLimit: ZOOM_CHAT_LIMIT,
    // The /j/ landing page launches the desktop app (ScreenApp allows zoommtg by policy for the same reason).
    externalProtocols: ['zoommtg', 'zoomus'],

    async join(ctx) {
      await withTimeout(
        ctx.page.goto(ctx.meeting.join_url, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs }),
        ctx.stepTimeoutMs + 1000,
        'open the Zoom web client',
      );
      if (!(await waitForPreJoinForm(ctx))) return;
      const frame = await clientFrame(ctx);
      const name = await requireFirst(frame, 'find the name input', S.NAME_INPUT, { timeoutMs: ctx.stepTimeoutMs });
      await typeReplacing(ctx, name.locator, ctx.botName);
      await fillPasscodeIfAsked(ctx);
      // The preview toggles name the action they perform: "Mute" means the mic is live.
      await clickFirst(frame, S.PREVIEW_MIC_LIVE, { timeoutMs: 0 }).catch(() => null);
      await clickFirst(frame, S.PREVIEW_CAMERA_LIVE, { timeoutMs: 0 }).catch(() => null);
      await clickJoin(ctx);
    },

    probe: (ctx) => probeZoom(ctx, seen),

    async maintain(ctx) {
      const frame = await clientFrame(ctx);
      await clickFirst(frame, S.INCALL_POPUPS, { timeoutMs: 0 }).catch(() => null);
    },

    async afterAdmitted(ctx) {
      await this.maintain(ctx);
      await joinComputerAudio(ctx);
      // Open the chat panel once so incoming messages are in the DOM for the probe.
      await openChat(ctx).catch((err: unknown) => ctx.log.warn('could not open the chat panel', { error: String(err) }));
    },

    async sendChat(ctx, message) {
      const input = await openChat(ctx);
      await input.locator.click({ timeout: ctx.stepTimeoutMs });
      await ctx.page.keyboard.insertText(message);
      const sent = await clickFirst(await clientFrame(ctx), S.CHAT_SEND, { timeoutMs: 500 }).catch(() => null);
      if (!sent) await ctx.page.keyboard.press('Enter');
      if (await waitForClearedComposer(input.locator, ctx.stepTimeoutMs)) return;
      throw new JoinStepError('send the chat message', [...S.CHAT_INPUT, ...S.CHAT_SEND], 'bot_errored', 'the composer was not cleared');
    },

    async leave(ctx) {
      await wakeToolbar(ctx).catch(() => undefined);
      const frame = await clientFrame(ctx);
      const leave = await requireFirst(frame, 'leave the meeting', S.LEAVE, { timeoutMs: ctx.stepTimeoutMs, state: 'attached' });
      await leave.locator.click({ timeout: ctx.stepTimeoutMs, force: true });
      await requireFirst(frame, 'confirm leaving', S.LEAVE_CONFIRM, { timeoutMs: 4000 }).then((f) => f.locator.click({ timeout: 4000 }));
    },
  };
}

/** Passes cookie, terms and permission screens until the name input shows; false if the page is already past it. */
async function waitForPreJoinForm(ctx: AdapterContext): Promise<boolean> {
  const deadline = Date.now() + PREJOIN_FORM_TIMEOUT_MS;
  while (!ctx.signal.aborted && Date.now() < deadline) {
    const phase = (await probeZoom(ctx)).state.phase;
    if (phase !== 'pre_join' && phase !== 'unknown') return false;
    const frame = await clientFrame(ctx);
    let dismissed = false;
    for (const group of [S.COOKIE_BUTTONS, S.TERMS_AGREE, S.PERMISSION_BUTTONS]) {
      if (await clickFirst(frame, group, { timeoutMs: 0 }).catch(() => null)) dismissed = true;
    }
    // The permission dialog comes back a second time (2.2 state 4) over a form that is already visible
    // beneath it: the form is ready only after a round with nothing left to dismiss.
    if (!dismissed && (await findFirst(frame, S.NAME_INPUT, { timeoutMs: 0 }))) return true;
    await sleep(JOIN_POLL_MS);
  }
  if (ctx.signal.aborted) return false;
  throw new JoinStepError('find the name input', S.NAME_INPUT, 'ui_element_not_found', `no pre-join form within ${PREJOIN_FORM_TIMEOUT_MS} ms`);
}

async function fillPasscodeIfAsked(ctx: AdapterContext): Promise<void> {
  const frame = await clientFrame(ctx);
  const field = await findFirst(frame, S.PASSCODE_INPUT, { timeoutMs: 0 });
  if (!field) return;
  if (!ctx.meeting.password) {
    throw new JoinStepError('enter the passcode', S.PASSCODE_INPUT, 'meeting_password_incorrect', 'the meeting asks for a passcode and the link has none');
  }
  await typeReplacing(ctx, field.locator, ctx.meeting.password);
}

/** Waits for Join to become enabled (it is disabled until a name is typed), clicks it, confirms the form left. */
async function clickJoin(ctx: AdapterContext): Promise<void> {
  for (let attempt = 1; attempt <= JOIN_ATTEMPTS && !ctx.signal.aborted; attempt++) {
    const frame = await clientFrame(ctx);
    const enabled = S.JOIN_BUTTON.map((s) => `${s}:not([disabled]):not(.disabled):not([aria-disabled="true"])`);
    const join = await requireFirst(frame, 'click Join', enabled, { timeoutMs: ctx.stepTimeoutMs });
    await join.locator.click({ timeout: ctx.stepTimeoutMs });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if ((await probeZoom(ctx)).state.phase !== 'pre_join') return;
      await sleep(JOIN_POLL_MS);
    }
    // Some flows ask for the passcode only after Join.
    await fillPasscodeIfAsked(ctx);
  }
  if (!ctx.signal.aborted) throw new JoinStepError('click Join', S.JOIN_BUTTON, 'ui_element_not_found', `still on the pre-join form after ${JOIN_ATTEMPTS} clicks`);
}

/** Without computer audio no meeting audio flows to the bot: click the footer button, then the dialog choice. */
async function joinComputerAudio(ctx: AdapterContext): Promise<void> {
  const frame = await clientFrame(ctx);
  await wakeToolbar(ctx).catch(() => undefined);
  let choice = await findFirst(frame, S.JOIN_AUDIO_BY_COMPUTER, { timeoutMs: 0 });
  if (!choice) {
    const opened = await clickFirst(frame, S.JOIN_AUDIO, { timeoutMs: ctx.stepTimeoutMs }).catch(() => null);
    if (!opened) {
      ctx.log.warn('no Join Audio control: the meeting audio may be missing', { tried: S.JOIN_AUDIO });
      return;
    }
    choice = await findFirst(frame, S.JOIN_AUDIO_BY_COMPUTER, { timeoutMs: ctx.stepTimeoutMs });
  }
  if (!choice) throw new JoinStepError('join computer audio', S.JOIN_AUDIO_BY_COMPUTER, 'ui_element_not_found');
  await choice.locator.click({ timeout: ctx.stepTimeoutMs });
}

async function openChat(ctx: AdapterContext) {
  return openChatPanel(ctx, await clientFrame(ctx), S.CHAT_OPEN, S.CHAT_INPUT);
}
