import type { Frame, Page } from 'playwright-core';
import type { MeetingTarget, Platform, RecordingLayout } from '../config/botSpec.js';
import type { EndOutcome, FatalSubCode } from '../lifecycle/codes.js';
import type { AccountCredential } from '../account/credential.js';
import type { Logger } from '../util/log.js';
import type { InputMode, UiInput } from './uiInput.js';

/**
 * The small interface every platform adapter implements (platforms/<name>/). Adapters drive the page and
 * read it; they know nothing of capture, rules or events. One adapter is created per bot (see registry.ts),
 * so what it remembers about its page is that bot's alone. The session calls it in this order:
 * join → probe (polled, with maintain between) → afterAdmitted → sendChat → probe (polled) → leave.
 */
export interface PlatformAdapter {
  readonly platform: Platform;
  /** Longest chat message the platform accepts; longer ones are split by the runtime. */
  readonly chatLimit: number;
  /** App-link schemes the platform's pages fire at a browser (they must not open a native dialog). */
  readonly externalProtocols: readonly string[];
  /**
   * How the join steps click and type by default (uiInput.ts): `os` where a peer reports the real platform
   * refusing CDP-driven input, else `cdp`. The operator can force either (MEETBOT_UI_INPUT).
   */
  readonly joinInput: InputMode;
  /** Opens the meeting and passes every pre-join screen up to and including the join click. */
  join(ctx: AdapterContext): Promise<void>;
  /** Reads the meeting state in one consistent look at the DOM. Never throws for an unknown page. */
  probe(ctx: AdapterContext): Promise<MeetingSnapshot>;
  /** Housekeeping between probes, in every phase after join: dismiss dialogs that block the meeting. */
  maintain(ctx: AdapterContext): Promise<void>;
  /**
   * Once admitted: dismiss in-call dialogs, join computer audio, open the panels the probe reads, and turn
   * incoming video off where the platform allows it and `needsIncomingVideo` is false.
   */
  afterAdmitted(ctx: AdapterContext): Promise<void>;
  sendChat(ctx: AdapterContext, message: string): Promise<void>;
  /** Leaves by the platform's own control; the runtime falls back to about:blank if this fails. */
  leave(ctx: AdapterContext): Promise<void>;
  /** Where the call's video tiles are on the page, for the recording's picture (src/stage). */
  readonly tiles: TileSelectors;
  /** The frame that shows the call when it is not the main frame (Webex's client iframe). */
  callFrame?(ctx: AdapterContext): Promise<PageScope>;
  /**
   * Sets the platform's own layout closest to the recording's, where the platform has one that also lowers what
   * it sends (Meet's Spotlight shows and receives one large video). Best effort: the recording's picture is
   * laid out by the runtime either way.
   */
  applyLayout?(ctx: AdapterContext, layout: RecordingLayout): Promise<void>;
}

/**
 * The call's video tiles as CSS, read inside the page. Each tile is one person's video or a screen share; a
 * tile inside another counts as part of it. `self`, `speaking` and `screenshare` match the tile itself,
 * something inside it, or a frame around it (Zoom marks the active speaker's frame). A tile whose name is the
 * bot's is the bot's own whatever `self` says.
 */
export interface TileSelectors {
  tile: string;
  /** The first of these that gives text is the name: `css` inside the tile (absent: the tile), its `attr` or its text; `firstField` keeps what comes before the first comma (Teams' aria-labels). */
  name: readonly { css?: string; attr?: string; firstField?: boolean }[];
  self: string | null;
  speaking: string | null;
  screenshare: string | null;
}

export interface AdapterContext {
  page: Page;
  meeting: MeetingTarget;
  botName: string;
  log: Logger;
  /**
   * Whether the runtime uses the meeting's incoming video (only when it records video). When false an adapter
   * may ask the platform to stop sending video, which spares the browser decoding it. Absent means true.
   */
  needsIncomingVideo?: boolean;
  /** Upper bound for any single page operation, in ms. */
  stepTimeoutMs: number;
  /** Zoom: ms between loads of its 3,001 page while the host has not started the meeting. */
  zoomUnstartedReloadMs: number;
  /** Set when the runtime wants the adapter to give up (leave requested, SIGTERM). */
  signal: AbortSignal;
  /** The join steps' clicks and typing, in the mode the session chose (uiInput.ts). */
  input: UiInput;
  /**
   * Presses a key at the OS level on the bot's display (XTEST), for browser chrome the page cannot reach,
   * such as Chromium's native "Open app?" dialog. Resolves false when xdotool fails.
   */
  osKey(key: string): Promise<boolean>;
  /**
   * The join steps tell the session of a wait they are in (waiting for the host, a lobby) while they keep
   * driving the page, e.g. Zoom's 3,001 page reloaded until the host starts: the session reports it, counts it
   * for the leave rules and the watchdog, and ends the join when a rule fires (through `signal`).
   */
  onScreen(state: MeetingState): void;
  /**
   * Resolves at the bot's join_at (at once without one, or when the bot is ending): adapters await it right
   * before the join click, with the pre-join screen filled in, so a warm-started bot joins on time.
   */
  untilJoinTime(): Promise<void>;
  /**
   * The bot's account, where the body asks it to sign in (null: a guest; a sign-in wall then ends the join with
   * the platform's sign-in sub_code). A saved session is already in the browser when join() starts.
   */
  account: AccountAccess | null;
  /**
   * Zoom only: the body's token URLs and the operator's Meeting SDK app (null or absent: no token URLs, the web
   * client joins as a guest).
   */
  zoom?: ZoomJoinAccess | null;
}

/** Zoom tokens joined with, and the Meeting SDK that takes them (the session fetches; the adapter joins). */
export interface ZoomJoinAccess {
  /**
   * The tokens of join attempt `attempt` (0 first), fetched on the first call, right before the join: a later
   * attempt gets an OBF token minted anew (Recall's URL) or the next of the list (Attendee's callback). Throws a
   * JoinStepError `zoom_token_fetch_failed`. No token at all means the bot joins the web client as a guest.
   */
  tokens(attempt: number): Promise<ZoomJoinTokens>;
  sdk: {
    key: string;
    /**
     * The bot's own page that loads the SDK's scripts (from Zoom's CDN or the operator's copy), on a loopback
     * address, and the page the SDK's client view goes to when it leaves the meeting.
     */
    page(): Promise<{ url: string; leftUrl: string }>;
    /** A fresh Meeting SDK signature for this meeting number (already a secret of the bot's redaction). */
    signature(meetingNumber: string): string;
  };
  /** How long an OBF bot keeps trying while Zoom says its authorising user is not in the meeting. */
  authorizedUserTimeoutMs: number;
}

export interface ZoomJoinTokens {
  zak: string | null;
  /** Zoom's join token for local recording (`recordingToken`). */
  joinToken: string | null;
  obf: string | null;
}

export interface AccountAccess {
  /** `always`: sign in before the pre-join screen; `only_if_required`: as a guest until the platform demands it. */
  mode: 'always' | 'only_if_required';
  /** null only with `only_if_required`: no credential for this platform (a wall ends with the missing-credential sub_code). */
  credential: AccountCredential | null;
  /** The page is signed in (a password typed, or a saved session still good): the session writes the browser's session back. */
  signedIn(): void;
}

/** Where the bot is, as the page shows it. Adapters check in this order: ended → denied → lobby → in call. */
export type MeetingState =
  | { phase: 'pre_join' }
  | { phase: 'joining' }
  | { phase: 'waiting_room' }
  /**
   * `unstartedMeans`: what the screen means if the host never starts (Zoom shows the same 3,001 "link is
   * invalid" page for both): the sub_code reported when the wait-for-host rule gives up, instead of
   * `meeting_not_started`.
   */
  | { phase: 'waiting_for_host'; unstartedMeans?: FatalSubCode }
  | { phase: 'in_call' }
  | { phase: 'ended'; outcome: EndOutcome; text: string }
  | { phase: 'unknown' };

export interface ParticipantInfo {
  /** Platform id where the page has one (Meet data-participant-id), else the name. */
  id: string;
  name: string;
  is_self: boolean;
  /** The page's speaking indicator is on for them now (false where the page shows none). */
  speaking: boolean;
}

export interface ChatMessageSeen {
  sender: string;
  text: string;
  /** The bot's own message echoed back into the list. */
  from_self: boolean;
}

export interface MeetingSnapshot {
  state: MeetingState;
  /** Everyone the page shows, the bot included; null when the page gives no reliable list right now. */
  participants: ParticipantInfo[] | null;
  /** Every chat message visible now, oldest first; the runtime keeps track of which are new. */
  chat: ChatMessageSeen[];
}

/** A page step that failed: the runtime ends `fatal` with this sub_code and keeps evidence of the page. */
export class JoinStepError extends Error {
  override name = 'JoinStepError';
  constructor(
    readonly step: string,
    readonly selectorsTried: readonly string[],
    readonly sub_code: FatalSubCode = 'ui_element_not_found',
    detail?: string,
  ) {
    super(`step "${step}" failed${detail ? `: ${detail}` : ''}; selectors tried: ${selectorsTried.join(' | ')}`);
  }
}

export type PageScope = Page | Frame;
