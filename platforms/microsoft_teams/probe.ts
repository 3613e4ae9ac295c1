import type { AdapterContext, MeetingSnapshot, MeetingState } from '../../src/platform/adapter.js';
import { evaluateBounded } from '../../src/platform/page.js';
import { PROBE } from './selectors.js';
import { newSignInMemory, type SignInMemory } from './signIn.js';

type Probe = typeof PROBE;
type Verdict =
  | 'sign_in' | 'sign_in_page' | 'captcha' | 'event_not_started' | 'invalid' | 'e2ee' | 'denied' | 'removed' | 'left' | 'ended'
  | 'could_not_connect' | 'av_modal' | 'waiting_for_host' | 'lobby' | 'join_disabled' | 'in_call' | 'pre_join' | 'launcher' | 'unknown';

interface RawPerson {
  id: string;
  name: string;
  is_self: boolean;
  speaking: boolean;
  /** The voice-level outline's inline style: it animates while the person talks (Vexa, teams.md 4.3). */
  outline: string | null;
}

interface RawSnapshot {
  verdict: Verdict;
  text: string;
  participants: RawPerson[] | null;
  chat: { sender: string; text: string; author_shown: boolean }[];
}

/**
 * One look at the Teams page, in one evaluation so every signal comes from the same DOM. Order (teams.md 2, 3):
 * sign-in and gates → end screens → the "Continue without audio or video" modal → lobby → admitted → pre-join.
 * End and gate texts are read only outside what people write or are called (chat, roster, tiles, captions).
 * Admission needs a call control and no usable pre-join Join now: behind the AV modal the pre-join stays in the
 * DOM (Vexa #226). Runs inside the page: self-contained, plain CSS only.
 */
function readTeamsPage(arg: { p: Probe; botName: string }): RawSnapshot {
  const { p } = arg;
  const norm = (s: string) => s.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
  const parts: string[] = [];
  const walker = document.createTreeWalker(document.body ?? document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(p.typedText) || !el.checkVisibility({ visibilityProperty: true })) continue;
    parts.push(getComputedStyle(el).display.startsWith('inline') ? '' : ' ', node.nodeValue ?? '');
  }
  const body = norm(parts.join(''));
  const find = (phrases: readonly string[]) => phrases.find((x) => body.includes(norm(x)));
  const visible = (css: string) => [...document.querySelectorAll(css)].some((el) => el.checkVisibility({ visibilityProperty: true }));
  const any = (css: readonly string[]) => css.some(visible);
  const done = (verdict: Verdict, text = ''): RawSnapshot => ({ verdict, text, participants: null, chat: [] });

  if ((p.loginHosts as readonly string[]).includes(location.hostname)) return done('sign_in_page', location.hostname);
  if (any(p.signInCss)) return done('sign_in_page', 'sign-in form');
  const gates: [Verdict, readonly string[]][] = [
    ['captcha', p.captcha], ['event_not_started', p.eventNotStarted], ['invalid', p.invalidLink], ['sign_in', p.signIn],
    ['denied', p.denied], ['removed', p.removed], ['left', p.left], ['ended', p.ended], ['could_not_connect', p.couldNotConnect],
  ];
  if (any(p.captchaCss)) return done('captcha', 'captcha image');
  if (any(p.e2eeCss)) return done('e2ee', 'encryption error');
  for (const [verdict, phrases] of gates) {
    const hit = find(phrases);
    if (hit) return done(verdict, hit);
  }
  if (any(p.endedCss)) return done('ended', 'end screen');
  const joinButton = [...document.querySelectorAll(p.joinButtonCss)].find((el) => el.checkVisibility());
  const joinUsable = joinButton !== undefined && !joinButton.hasAttribute('disabled') && joinButton.getAttribute('aria-disabled') !== 'true';
  const avModal = find(p.avModal);
  if (avModal) return done('av_modal', avModal);
  const host = find(p.waitingForHost);
  if (host) return done('waiting_for_host', host);
  const lobby = find(p.lobby);
  if (lobby) return done('lobby', lobby);
  if (joinButton && !joinUsable && !any(p.admittedCss)) return done('join_disabled');
  if (!any(p.admittedCss) || joinUsable) {
    if (any(p.preJoinCss)) return done('pre_join');
    return any(p.launcherCss) || find(p.launcher) ? done('launcher') : done('unknown');
  }

  const decorations = new RegExp(p.nameDecorations, 'i');
  const clean = (s: string) => s.trim().replace(decorations, '').replace(decorations, '').trim();
  const selfName = clean(arg.botName).toLowerCase();
  const people = new Map<string, RawPerson>();
  const add = (rawName: string, speaking: boolean, outline: string | null = null) => {
    const name = clean(rawName);
    if (!name) return;
    const known = people.get(name);
    if (known) {
      known.speaking ||= speaking;
      known.outline ??= outline;
    } else people.set(name, { id: name, name, is_self: name.toLowerCase() === selfName, speaking, outline });
  };
  // 0×0 tiles are phantom duplicates (MBaaS); names are read from data-tid, the name tag, else the aria-label.
  const shown = (el: Element) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  for (const tile of document.querySelectorAll(p.newTile)) {
    if (!shown(tile)) continue;
    const name = tile.getAttribute('data-tid') || tile.querySelector(p.newTileName)?.textContent || '';
    add(name, tile.querySelector(p.newTileSpeaking) !== null, tile.querySelector(p.newTileOutline)?.getAttribute('style') ?? null);
  }
  for (const tile of document.querySelectorAll(p.classicTile)) {
    if (!shown(tile)) continue;
    const label = (tile.getAttribute('aria-label') ?? '').split(',')[0] ?? '';
    if (/^(Content shared by|Leaving)/i.test(label)) continue;
    const ring = tile.querySelector(p.classicSpeaking);
    add(label, ring !== null && Number(getComputedStyle(ring).opacity) > 0.5);
  }
  for (const row of document.querySelectorAll(p.rosterRows)) {
    const titled = row.querySelector('span[title]')?.getAttribute('title');
    add(titled || (row.getAttribute('aria-label') ?? '').split(',')[0] || '', false);
  }
  // The People badge counts everyone, the bot included; fewer people shown means a layout that hides some
  // (a share on stage, a small window): the roster is unreadable now and the last one stands.
  const badge = Number((document.querySelector(p.rosterBadge)?.textContent ?? '').trim());
  const list = [...people.values()];
  const complete = !(badge > 0) || list.length >= badge || list.filter((x) => !x.is_self).length >= badge - 1;

  const chat: RawSnapshot['chat'] = [];
  let sender = '';
  for (const row of document.querySelectorAll(p.chatRows)) {
    if (row.querySelector(p.chatSystemRow)) continue;
    const author = p.chatAuthor.map((c) => row.querySelector(c)).find((x) => x !== null);
    // One author header per run of messages: the rows after it belong to the same sender.
    if (author) sender = clean(author.textContent ?? '');
    const bodyEl = p.chatBody.map((c) => row.querySelector(c)).find((x) => x !== null);
    const text = ((bodyEl as HTMLElement | null)?.innerText ?? '').trim();
    if (text) chat.push({ sender, text, author_shown: author !== undefined });
  }
  return { verdict: 'in_call', text: '', participants: list.length > 0 && complete ? list : null, chat };
}

type Ended = Extract<MeetingState, { phase: 'ended' }>;
const end = (outcome: Ended['outcome']): MeetingState => ({ phase: 'ended', outcome, text: '' });

const STATE_OF: Record<Verdict, MeetingState> = {
  sign_in: end({ status: 'fatal', sub_code: 'microsoft_teams_sign_in_credentials_missing' }),
  sign_in_page: end({ status: 'fatal', sub_code: 'microsoft_teams_sign_in_credentials_missing' }),
  captcha: end({ status: 'fatal', sub_code: 'microsoft_teams_captcha_detected' }),
  event_not_started: end({ status: 'fatal', sub_code: 'microsoft_teams_event_not_started_for_external' }),
  invalid: end({ status: 'fatal', sub_code: 'meeting_not_found' }),
  e2ee: end({ status: 'fatal', sub_code: 'microsoft_teams_internal_error' }),
  could_not_connect: end({ status: 'fatal', sub_code: 'microsoft_teams_call_dropped' }),
  denied: end({ status: 'call_ended', sub_code: 'bot_kicked_from_waiting_room' }),
  removed: end({ status: 'call_ended', sub_code: 'bot_kicked_from_call' }),
  left: end({ status: 'call_ended', sub_code: 'bot_received_leave_call' }),
  ended: end({ status: 'call_ended', sub_code: 'call_ended_by_host' }),
  av_modal: { phase: 'pre_join' },
  join_disabled: { phase: 'pre_join' },
  waiting_for_host: { phase: 'waiting_for_host' },
  lobby: { phase: 'waiting_room' },
  in_call: { phase: 'in_call' },
  pre_join: { phase: 'pre_join' },
  launcher: { phase: 'pre_join' },
  unknown: { phase: 'unknown' },
};

/** What one bot's adapter remembers of its page (see createMicrosoftTeamsAdapter). */
export interface TeamsMemory {
  /** Join now was clicked: a disabled Join now from then on is the lobby. */
  joinClicked: boolean;
  admitted: boolean;
  /** Texts the bot sent, to know its own messages Teams echoes without an author. */
  sent: Set<string>;
  /** When Join now was last clicked (the lobby can reset to the pre-join: Attendee re-clicks at most every 5 s). */
  lastJoinClickAt: number;
  /** When the pointer last moved in the call (Teams idles without it). */
  lastPointerMoveAt: number;
  /** Since when Join now has been disabled after the click, while no lobby text shows. */
  joinDisabledSince: number | null;
  /** Each tile's voice-level outline style at the last look, and when it last changed. */
  outlines: Map<string, { style: string | null; changedAt: number }>;
  /** Signed in, the bot is in the meeting under its account's name (read from the pre-join), not bot_name. */
  selfName: string | null;
  signIn: SignInMemory;
}

export function newTeamsMemory(): TeamsMemory {
  return {
    joinClicked: false, admitted: false, sent: new Set(), lastJoinClickAt: 0, lastPointerMoveAt: 0, joinDisabledSince: null, outlines: new Map(),
    selfName: null, signIn: newSignInMemory(),
  };
}

/** Chat text compared with one space for any run of white space: lists render line breaks their own way. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * meetingbot takes a Join now that stays disabled after the click as the lobby, whatever its text says (the
 * lobby's wording varies, teams.md 3.1). Right after the click it is disabled while Teams connects, so only a
 * Join now disabled for LOBBY_WITHOUT_TEXT_MS counts; one that had no click behind it is the empty form.
 */
const LOBBY_WITHOUT_TEXT_MS = 4000;

function lobbyWithoutText(memory: TeamsMemory, joinDisabled: boolean, now = Date.now()): boolean {
  if (!joinDisabled || !memory.joinClicked) {
    memory.joinDisabledSince = null;
    return false;
  }
  memory.joinDisabledSince ??= now;
  return now - memory.joinDisabledSince >= LOBBY_WITHOUT_TEXT_MS;
}

/** How long a change of the outline's style counts as speech: looks come every 100-500 ms, the animation may be slower. */
const OUTLINE_HOLD_MS = 1500;

/**
 * `vdi-frame-occlusion` alone is not ground truth: Vexa measured no transitions of it in a live 13-minute meeting
 * and also takes a change of the outline's inline style as speech, held as a level. A style that changed within
 * the last OUTLINE_HOLD_MS means speaking; one that holds still means silence.
 */
function outlineMoved(memory: TeamsMemory, name: string, outline: string | null, now = Date.now()): boolean {
  const before = memory.outlines.get(name);
  if (before === undefined || before.style !== outline) memory.outlines.set(name, { style: outline, changedAt: before === undefined ? -Infinity : now });
  return outline !== null && now - (memory.outlines.get(name)?.changedAt ?? -Infinity) < OUTLINE_HOLD_MS;
}

export interface TeamsSnapshot extends MeetingSnapshot {
  /** The "Continue without audio or video" modal is up: it blocks the join until dismissed. */
  avModal: boolean;
  launcher: boolean;
  /** Teams wants the bot signed in: Microsoft's sign-in page itself, or a Teams page saying so. */
  signInWall: 'sign_in_page' | 'text' | null;
}

export async function probeTeams(ctx: AdapterContext, memory: TeamsMemory): Promise<TeamsSnapshot> {
  const selfName = memory.selfName ?? ctx.botName;
  const raw = await evaluateBounded(ctx.page, readTeamsPage, { p: PROBE, botName: selfName }, ctx.stepTimeoutMs, 'read the Teams page');
  const base = lobbyWithoutText(memory, raw.verdict === 'join_disabled') ? STATE_OF.lobby : STATE_OF[raw.verdict];
  const state: MeetingState = base.phase === 'ended' ? { ...base, text: raw.text } : base;
  if (raw.verdict === 'in_call') memory.admitted = true;
  const self = selfName.toLowerCase();
  return {
    state,
    participants: raw.participants?.map(({ outline, ...person }) => ({ ...person, speaking: person.speaking || outlineMoved(memory, person.name, outline) })) ?? null,
    chat: raw.chat.map((m) => ({
      sender: m.sender,
      text: m.text,
      // Teams echoes the bot's messages under "You", its name, or with no author header at all.
      from_self: m.sender.toLowerCase() === self || m.sender === 'You' || (!m.author_shown && memory.sent.has(oneLine(m.text))),
    })),
    avModal: raw.verdict === 'av_modal',
    launcher: raw.verdict === 'launcher',
    signInWall: raw.verdict === 'sign_in_page' ? 'sign_in_page' : raw.verdict === 'sign_in' ? 'text' : null,
  };
}
