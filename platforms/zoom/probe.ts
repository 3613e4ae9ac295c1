import type { Frame } from 'playwright-core';
import type { AdapterContext, MeetingSnapshot, MeetingState } from '../../src/platform/adapter.js';
import { clientFrame, evaluateBounded } from '../../src/platform/page.js';
import { CLIENT_IFRAMES, PROBE } from './selectors.js';

type Probe = typeof PROBE;
type Verdict =
  | 'invalid_link' | 'passcode_wrong' | 'rtms_wall' | 'sign_in' | 'browser_blocked' | 'registration' | 'captcha'
  | 'removed' | 'ended_by_host' | 'ended_other' | 'in_call' | 'waiting_for_host' | 'lobby' | 'pre_join' | 'unknown';

interface RawSnapshot {
  verdict: Verdict;
  text: string;
  participants: { id: string; name: string; is_self: boolean; speaking: boolean }[] | null;
  chat: { sender: string; text: string }[];
}

/**
 * One look at the client frame. Order: gates and end screens → admission (Vexa's ranked rule: a visible
 * Leave button, or footer markers with no pre-join form) → waiting texts → pre-join. Footer markers outrank
 * lobby texts because generic waiting phrases also appear in in-call audio toasts; the waiting room itself
 * renders inside `.meeting-app` without a footer. Self-contained: runs in the page.
 */
function readZoomClient(arg: { p: Probe; botName: string }): RawSnapshot {
  const { p } = arg;
  const norm = (s: string) => s.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ').toLowerCase();
  // Chat rows and chat toasts hold what people typed: end-screen wording in a message ends nothing.
  let body = norm(document.body ? document.body.innerText : '');
  for (const el of document.querySelectorAll([p.chatMessage, p.chatToast].join(','))) {
    const typed = norm((el as HTMLElement).innerText ?? '').trim();
    if (typed) body = body.replace(typed, ' ');
  }
  const find = (phrases: readonly string[]) => phrases.find((x) => body.includes(norm(x)));
  const present = (css: readonly string[]) => css.some((c) => document.querySelector(c) !== null);
  const done = (verdict: Verdict, text = ''): RawSnapshot => ({ verdict, text, participants: null, chat: [] });
  const visible = (el: Element | null) => {
    if (!el) return false;
    const r = (el as HTMLElement).getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };

  const gates: [Verdict, readonly string[]][] = [
    ['rtms_wall', p.rtmsWall], ['passcode_wrong', p.passcodeWrong], ['sign_in', p.signIn],
    ['browser_blocked', p.browserBlocked], ['registration', p.registration], ['removed', p.removed],
    ['ended_by_host', p.endedByHost],
  ];
  for (const [verdict, phrases] of gates) {
    const hit = find(phrases);
    if (hit) return done(verdict, hit);
  }
  if (present(p.endedCss)) return done('ended_by_host', 'Meeting is end now');
  const invalid = find(p.invalidLink);
  if (invalid || document.title === p.errorTitle) return done('invalid_link', invalid ?? document.title);
  if (present(p.captchaCss)) return done('captcha', 'reCAPTCHA');

  const preJoin = present(p.preJoinCss);
  // While Zoom waits for the host its footer can be there, reading "0 participants" (ScreenApp): nobody to meet.
  const count = /(\d+)\s+participants?\b/i.exec(document.querySelector<HTMLElement>(p.footerCount)?.innerText ?? '');
  if (count && Number(count[1]) === 0) return done('waiting_for_host', count[0]);
  const admitted = visible(document.querySelector(p.leaveCss)) || (!preJoin && present(p.footerCss));
  if (!admitted) {
    const host = find(p.waitingForHost);
    if (host) return done('waiting_for_host', host);
    const lobby = find(p.lobby);
    if (lobby) return done('lobby', lobby);
    if (preJoin) return done('pre_join');
    const ended = find(p.endedOther);
    return ended ? done('ended_other', ended) : done('unknown');
  }

  const people = new Map<string, { id: string; name: string; is_self: boolean; speaking: boolean }>();
  for (const tile of document.querySelectorAll(p.tile)) {
    const name = (tile.querySelector(p.tileName)?.textContent ?? '').trim();
    // The active speaker's tile sits in the main speaker frame (2.5).
    const speaking = tile.closest(p.activeSpeaker) !== null;
    if (name && !people.has(name)) people.set(name, { id: name, name, is_self: name === arg.botName, speaking });
  }
  const chat: { sender: string; text: string }[] = [];
  let sender = '';
  for (const row of document.querySelectorAll(p.chatMessage)) {
    // Zoom prints the sender once for consecutive messages from the same person.
    sender = (row.querySelector(p.chatSender)?.textContent ?? '').trim() || sender;
    const textEl = p.chatText.map((c) => row.querySelector(c)).find((x) => x !== null);
    const text = (textEl?.textContent ?? '').trim();
    if (text) chat.push({ sender, text });
  }
  return { verdict: 'in_call', text: '', participants: [...people.values()], chat };
}

const FATAL = (sub_code: Extract<MeetingState, { phase: 'ended' }>['outcome']['sub_code']) =>
  ({ phase: 'ended', outcome: { status: 'fatal', sub_code }, text: '' }) as MeetingState;
const ENDED = (sub_code: Extract<MeetingState, { phase: 'ended' }>['outcome']['sub_code']) =>
  ({ phase: 'ended', outcome: { status: 'call_ended', sub_code }, text: '' }) as MeetingState;

const STATE_OF: Record<Verdict, MeetingState> = {
  // Zoom shows this page both for a bad link and while the host has not started (Vexa reloads every 15 s for
  // up to 10 min): it is a wait for the host, and reads as an invalid link only if the host never starts.
  invalid_link: { phase: 'waiting_for_host', unstartedMeans: 'meeting_link_invalid' },
  passcode_wrong: FATAL('meeting_password_incorrect'),
  rtms_wall: FATAL('zoom_requires_rtms'),
  sign_in: FATAL('meeting_requires_sign_in'),
  browser_blocked: FATAL('zoom_web_disallowed'),
  registration: FATAL('zoom_registration_required'),
  captcha: FATAL('zoom_captcha_required'),
  removed: ENDED('bot_kicked_from_call'),
  ended_by_host: ENDED('call_ended_by_host'),
  ended_other: ENDED('call_ended_by_host'),
  in_call: { phase: 'in_call' },
  waiting_for_host: { phase: 'waiting_for_host' },
  lobby: { phase: 'waiting_room' },
  pre_join: { phase: 'pre_join' },
  unknown: { phase: 'unknown' },
};

/** What one bot's probe remembers of its page: whether it was ever in the call (see createZoomAdapter). */
export interface ZoomProbeMemory {
  admitted: boolean;
  /** Set when the bot joined through its own Meeting SDK page (sdkJoin.ts): where that page is and where it leaves to. */
  sdk?: { pageOrigin: string; leftUrl: string; obf: boolean } | null;
}

export function zoomFrame(ctx: AdapterContext): Promise<Frame> {
  return clientFrame(ctx, CLIENT_IFRAMES);
}

/** One look at the page; `seen` is updated when the bot is in the call (the join steps' looks pass none). */
export async function probeZoom(ctx: AdapterContext, seen: ZoomProbeMemory = { admitted: false }): Promise<MeetingSnapshot> {
  const away = leftZoom(ctx, seen);
  if (away) return { state: away, participants: null, chat: [] };
  const frame = await zoomFrame(ctx);
  const raw = await evaluateBounded(frame, readZoomClient, { p: PROBE, botName: ctx.botName }, ctx.stepTimeoutMs, 'read the Zoom client');
  if (raw.verdict === 'in_call') seen.admitted = true;
  const base = raw.verdict === 'removed' && !seen.admitted ? ENDED('bot_kicked_from_waiting_room') : STATE_OF[raw.verdict];
  const state: MeetingState = base.phase === 'ended' ? { ...base, text: raw.text } : base;
  return {
    state,
    participants: raw.participants,
    chat: raw.chat.map((m) => ({ ...m, from_self: m.sender === ctx.botName || m.sender === 'Me' || m.sender === 'You' })),
  };
}

/**
 * The page itself left the meeting: off the Zoom domain (and off the meeting's own host, which covers vanity
 * and loopback hosts), or on Zoom's sign-in page. Before admission sign-in is the meeting asking for an
 * account; after it, like leaving the domain, an end no screen explains (Vexa, Meeting BaaS). The Meeting SDK's
 * client view goes to its leave page when the meeting lets it go: for an OBF bot with no end screen read before,
 * that is Zoom removing it with the user who authorised it (Recall, Zoom: "the app gets immediately disconnected").
 */
function leftZoom(ctx: AdapterContext, seen: ZoomProbeMemory): MeetingState | null {
  let url: URL;
  try {
    url = new URL(ctx.page.url());
  } catch {
    return null;
  }
  if (!url.protocol.startsWith('http')) return null;
  if (seen.sdk && url.href.startsWith(seen.sdk.leftUrl)) {
    return { ...ENDED(seen.sdk.obf ? 'zoom_authorized_user_left' : 'bot_removed_or_call_ended'), text: 'the Meeting SDK left the meeting' } as MeetingState;
  }
  const meetingHost = new URL(ctx.meeting.join_url).hostname;
  const offZoom = url.origin !== seen.sdk?.pageOrigin && url.hostname !== meetingHost && !new RegExp(PROBE.zoomHost).test(url.hostname);
  if (new RegExp(PROBE.signInPath).test(url.pathname) && !seen.admitted) return { ...FATAL('meeting_requires_sign_in'), text: url.pathname } as MeetingState;
  if (offZoom || new RegExp(PROBE.signInPath).test(url.pathname)) return { ...ENDED('bot_removed_or_call_ended'), text: `the page went to ${url.host}${url.pathname}` } as MeetingState;
  return null;
}
