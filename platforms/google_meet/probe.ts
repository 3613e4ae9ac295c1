import type { EndOutcome } from '../../src/lifecycle/codes.js';
import type { AdapterContext, MeetingSnapshot, MeetingState } from '../../src/platform/adapter.js';
import { evaluateBounded } from '../../src/platform/page.js';
import { PROBE } from './selectors.js';

type Probe = typeof PROBE;
type Verdict =
  | 'not_found' | 'expired' | 'blocked' | 'sign_in' | 'guest_refused' | 'bounced' | 'removed' | 'ended_by_host' | 'ended_other'
  | 'denied' | 'no_answer' | 'left' | 'waiting_for_host' | 'lobby' | 'in_call' | 'pre_join' | 'unknown';

interface RawSnapshot {
  verdict: Verdict;
  text: string;
  participants: { id: string; name: string; is_self: boolean; speaking: boolean }[] | null;
  chat: { sender: string; text: string }[];
}

/**
 * One look at the page, in one evaluation so every signal comes from the same DOM. Order (platforms.md 0.1):
 * terminal screens → explicit denial → lobby / waiting for host → admitted. The lobby already shows Leave
 * call, the mic and camera toggles and the call-controls toolbar, so none of those counts as admission.
 * Runs inside the page: self-contained, plain CSS only.
 */
function readMeetPage(arg: { p: Probe; joinOrigin: string; botName: string }): RawSnapshot {
  const { p } = arg;
  const norm = (s: string) => s.replace(/[\u2018\u2019]/g, "'").replace(/\u2026/g, '...').replace(/\s+/g, ' ').toLowerCase();
  // The visible text of the page outside what people write or are called (chat, captions, tiles, People list):
  // a participant who types "Your host ended the meeting for everyone", or is named so, ends nothing.
  const typed = p.typedText.join(',');
  const parts: string[] = [];
  const walker = document.createTreeWalker(document.body ?? document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(typed) || !el.checkVisibility({ visibilityProperty: true })) continue;
    // Text of an inline element continues its neighbour's ("You’" <span>ve</span>); a block starts anew.
    parts.push(getComputedStyle(el).display.startsWith('inline') ? '' : ' ', node.nodeValue ?? '');
  }
  const body = norm(parts.join(''));
  const find = (phrases: readonly string[]) => phrases.find((x) => body.includes(norm(x)));
  const any = (css: readonly string[]) => css.some((c) => document.querySelector(c) !== null);
  const done = (verdict: Verdict, text = ''): RawSnapshot => ({ verdict, text, participants: null, chat: [] });

  if (location.hostname === 'accounts.google.com') return done('sign_in', `${location.origin}${location.pathname}`);
  const signIn = [...document.querySelectorAll('h1')].find((h) => h.textContent?.includes(p.signInHeading) && h.parentElement?.textContent?.includes(p.signInParent));
  if (signIn) return done('sign_in', norm(signIn.parentElement?.textContent ?? ''));
  if (location.protocol.startsWith('http') && location.origin !== arg.joinOrigin) return done('bounced', location.origin);
  const startup = document.querySelector('[data-startup-code]');
  if (startup && startup.getAttribute('data-startup-code') === p.notFoundStartupCode) return done('not_found', 'startup code 217');
  const terminal: [Verdict, readonly string[]][] = [
    ['not_found', p.notFound], ['expired', p.expired], ['guest_refused', p.guestRefused], ['blocked', p.blocked], ['removed', p.removed],
    ['ended_by_host', p.endedByHost], ['denied', p.denied], ['no_answer', p.noAnswer], ['left', p.leftMeeting],
  ];
  for (const [verdict, phrases] of terminal) {
    const hit = find(phrases);
    if (hit) return done(verdict, hit);
  }
  if (startup) return done('blocked', `startup code ${startup.getAttribute('data-startup-code')}`);
  const waitingHost = find(p.waitingForHost);
  if (waitingHost) return done('waiting_for_host', waitingHost);
  const lobby = find(p.lobby);
  if (lobby || any(p.lobbyCss)) return done('lobby', lobby ?? 'lobby aria-label');

  const phantom = new RegExp(p.phantomTile, 'i');
  const isPhantom = (el: Element) => phantom.test(el.getAttribute('aria-label') ?? '') || phantom.test(el.textContent ?? '');
  const tiles = [...document.querySelectorAll(p.tile)].filter((el) => !isPhantom(el));
  if (!any(p.admittedCss) && tiles.length === 0) {
    const label = (b: Element) => norm(b.textContent ?? '').trim();
    const cta = (b: Element) => !b.closest('[role="dialog"]') && p.preJoinCta.some((t) => norm(t) === label(b)) && b.checkVisibility();
    if (any(p.preJoinCss) || [...document.querySelectorAll('button')].some(cta)) return done('pre_join');
    const ended = find(p.endedOther);
    return ended ? done('ended_other', ended) : done('unknown');
  }

  // Speaking: a non-zero [data-audio-level] in the tile, else one of Meet's speaking classes (1.8).
  const speakingIds = new Set<string>();
  for (const tile of tiles) {
    const level = tile.querySelector('[data-audio-level]');
    const on = level ? level.getAttribute('data-audio-level') !== '0' : p.speakingClasses.some((c) => tile.querySelector(`.${c}`) !== null);
    if (on) speakingIds.add(tile.getAttribute('data-participant-id') ?? '');
  }
  const people = new Map<string, { id: string; name: string; is_self: boolean; speaking: boolean }>();
  const rows = [...document.querySelectorAll(p.peopleRows)];
  for (const row of rows.length > 0 ? rows : tiles) {
    const id = row.getAttribute('data-participant-id') ?? '';
    if (!id || people.has(id)) continue;
    const selfEl = row.matches('[data-self-name]') ? row : row.querySelector('[data-self-name]');
    let name = rows.length > 0 ? row.getAttribute('aria-label') ?? '' : '';
    for (const css of p.tileName) {
      if (name) break;
      const el = row.matches(css) ? row : row.querySelector(css);
      name = (el?.getAttribute('data-self-name') || el?.textContent || '').trim();
    }
    if (!name) name = (row.getAttribute('aria-label') ?? '').trim();
    people.set(id, { id, name, is_self: selfEl !== null, speaking: speakingIds.has(id) });
  }

  const chat: { sender: string; text: string }[] = [];
  const list = p.chatList.map((c) => document.querySelector(c)).find((x) => x !== null);
  for (const row of list ? [...list.querySelectorAll(p.chatRow)] : []) {
    const time = row.querySelector('time')?.textContent?.trim();
    const lines = ((row as HTMLElement).innerText ?? '').split('\n').map((l) => l.trim()).filter((l) => l && l !== time);
    if (lines.length >= 2) chat.push({ sender: lines[0]!, text: lines.slice(1).join('\n') });
  }
  // A layout without tiles (someone presenting, a small window) shows fewer people than are there: the People
  // count says how many; when the page shows fewer, the roster is unreadable now and the last one stands.
  const countText =
    p.peopleCount.map((c) => document.querySelector(c)?.getAttribute('data-avatar-count')).find((x) => x) ??
    /People - (\d+)/.exec(document.querySelector(p.peopleCountLabel)?.getAttribute('aria-label') ?? '')?.[1];
  const count = countText ? Number(countText) : null;
  const shown = [...people.values()];
  // Counted with the bot; some layouts leave the bot's own tile out.
  const complete = rows.length > 0 || count === null || shown.filter((x) => !x.is_self).length >= count - 1;
  return { verdict: 'in_call', text: '', participants: complete ? shown : null, chat };
}

const STATE_OF: Record<Verdict, MeetingState> = {
  not_found: { phase: 'ended', outcome: { status: 'fatal', sub_code: 'meeting_not_found' }, text: '' },
  expired: { phase: 'ended', outcome: { status: 'fatal', sub_code: 'meeting_link_expired' }, text: '' },
  blocked: { phase: 'ended', outcome: { status: 'fatal', sub_code: 'google_meet_bot_blocked' }, text: '' },
  bounced: { phase: 'ended', outcome: { status: 'fatal', sub_code: 'google_meet_bot_blocked' }, text: '' },
  sign_in: { phase: 'ended', outcome: { status: 'fatal', sub_code: 'meeting_requires_sign_in' }, text: '' },
  guest_refused: { phase: 'ended', outcome: { status: 'fatal', sub_code: 'meeting_requires_sign_in' }, text: '' },
  removed: { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'bot_kicked_from_call' }, text: '' },
  ended_by_host: { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'call_ended_by_host' }, text: '' },
  ended_other: { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'call_ended_by_host' }, text: '' },
  denied: { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'bot_kicked_from_waiting_room' }, text: '' },
  no_answer: { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'call_ended_by_platform_waiting_room_timeout' }, text: '' },
  left: { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'bot_received_leave_call' }, text: '' },
  waiting_for_host: { phase: 'waiting_for_host' },
  lobby: { phase: 'waiting_room' },
  in_call: { phase: 'in_call' },
  pre_join: { phase: 'pre_join' },
  unknown: { phase: 'unknown' },
};

/**
 * What one bot's adapter remembers of its page (see createGoogleMeetAdapter): whether it was ever in the call,
 * whether it asked to join, and whether it signed in (tried, and seen signed in on the pre-join).
 */
export interface MeetProbeMemory {
  admitted: boolean;
  asked: boolean;
  signInTried: boolean;
  signedIn: boolean;
}

export function newProbeMemory(): MeetProbeMemory {
  return { admitted: false, asked: false, signInTried: false, signedIn: false };
}

/**
 * The verdicts whose meaning depends on the bot's past. Sent off Meet: a block before the join click (ScreenApp:
 * the in-container browser was bounced), the knock dropped after it (vellum, ScreenApp: "asking" then Meet's
 * marketing page, no denial text), an end no screen explains once in the call. Refused as a guest after signing
 * in: the account itself is refused.
 */
function stateOf(verdict: Verdict, seen: MeetProbeMemory): MeetingState {
  const ended = (outcome: EndOutcome): MeetingState => ({ phase: 'ended', outcome, text: '' });
  if (verdict === 'bounced' && seen.admitted) return ended({ status: 'call_ended', sub_code: 'bot_removed_or_call_ended' });
  if (verdict === 'bounced' && seen.asked) return ended({ status: 'fatal', sub_code: 'google_meet_join_request_dropped' });
  if (verdict === 'guest_refused' && (seen.signedIn || seen.signInTried)) return ended({ status: 'fatal', sub_code: 'google_meet_bot_blocked' });
  return STATE_OF[verdict];
}

/** One look at the page; `seen` is updated when the bot is in the call. */
export async function probeMeet(ctx: AdapterContext, seen: MeetProbeMemory): Promise<MeetingSnapshot> {
  const raw = await evaluateBounded(
    ctx.page,
    readMeetPage,
    { p: PROBE, joinOrigin: new URL(ctx.meeting.join_url).origin, botName: ctx.botName },
    ctx.stepTimeoutMs,
    'read the Meet page',
  );
  if (raw.verdict === 'in_call') seen.admitted = true;
  const base = stateOf(raw.verdict, seen);
  const state: MeetingState = base.phase === 'ended' ? { ...base, text: raw.text } : base;
  return {
    state,
    participants: raw.participants,
    // Meet renders the bot's own messages back into the list under "You" (or the bot's name).
    chat: raw.chat.map((m) => ({ ...m, from_self: m.sender === 'You' || m.sender === ctx.botName })),
  };
}
