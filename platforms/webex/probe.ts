import type { Frame } from 'playwright-core';
import type { AdapterContext, MeetingSnapshot, MeetingState } from '../../src/platform/adapter.js';
import { clientFrame, evaluateBounded } from '../../src/platform/page.js';
import { CLIENT_IFRAMES, PROBE } from './selectors.js';

type Probe = typeof PROBE;
type Verdict = 'ended' | 'left' | 'removed' | 'wrong_password' | 'error' | 'waiting_for_host' | 'lobby' | 'password' | 'in_call' | 'connecting' | 'pre_join' | 'chooser' | 'unknown';

interface RawSnapshot {
  verdict: Verdict;
  text: string;
  participants: { id: string; name: string; is_self: boolean; speaking: boolean }[] | null;
  chat: { sender: string; text: string }[];
}

/**
 * One look at the Webex client, in the order the Webex guest provider uses: ended → error → lobby →
 * password → connecting → in meeting → pre-join. Momentum components keep text and controls in open shadow
 * roots, so queries and text walk them too. Self-contained: runs in the page.
 */
function readWebexClient(arg: { p: Probe; botName: string }): RawSnapshot {
  const { p } = arg;
  const roots = (): (Document | ShadowRoot)[] => {
    const out: (Document | ShadowRoot)[] = [document];
    for (let i = 0; i < out.length; i++) {
      for (const el of out[i]!.querySelectorAll('*')) if (el.shadowRoot) out.push(el.shadowRoot);
    }
    return out;
  };
  const all = roots();
  const q = (css: string) => {
    for (const r of all) {
      const hit = r.querySelector(css);
      if (hit) return hit;
    }
    return null;
  };
  const qa = (css: string) => all.flatMap((r) => [...r.querySelectorAll(css)]);
  const present = (css: readonly string[]) => css.some((c) => q(c) !== null);
  const norm = (s: string) => s.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ').toLowerCase();
  const text = norm([document.body?.innerText ?? '', ...all.slice(1).map((r) => (r as ShadowRoot).textContent ?? '')].join(' '));
  const find = (phrases: readonly string[]) => phrases.find((x) => text.includes(norm(x)));
  const done = (verdict: Verdict, t = ''): RawSnapshot => ({ verdict, text: t, participants: null, chat: [] });
  const title = document.title.toLowerCase();

  const removed = find(p.removed);
  if (removed) return done('removed', removed);
  const left = find(p.left);
  if (left) return done('left', left);
  const ended = find(p.ended);
  if (ended) return done('ended', ended);
  const wrong = find(p.wrongPassword);
  if (wrong) return done('wrong_password', wrong);
  if (present(p.errorCss)) return done('error', (q(p.errorCss.join(','))?.textContent ?? '').trim().slice(0, 200));
  const inMeeting = present(p.inMeetingCss) || title.includes('in meeting');
  if (!inMeeting || present(p.lobbyCss)) {
    const host = find(p.waitingForHost);
    if (present(p.lobbyCss) || find(p.lobby) || title.includes('lobby')) return done(host && !find(p.lobby) ? 'waiting_for_host' : 'lobby', host ?? 'lobby');
    if (host) return done('waiting_for_host', host);
    if (present(p.passwordCss)) return done('password');
    if (present(p.preJoinCss)) return done('pre_join');
    if (present(p.chooserCss)) return done('chooser');
    return find(p.connecting) ? done('connecting') : done('unknown');
  }

  const people = new Map<string, { id: string; name: string; is_self: boolean; speaking: boolean }>();
  for (const el of p.names.flatMap((c) => qa(c))) {
    const name = (el.textContent ?? '').trim();
    // LMA: the active speaker's halo, then the closest tile or list row around it (3.5).
    const tile = el.closest(p.speakerTile);
    const speaking = tile !== null && tile.querySelector(p.speakerHalo) !== null;
    if (name && !people.has(name)) people.set(name, { id: name, name, is_self: name === arg.botName, speaking });
  }
  const chat: { sender: string; text: string }[] = [];
  let sender = '';
  for (const row of p.chatRows.flatMap((c) => qa(c))) {
    const from = p.chatSender.map((c) => row.querySelector(c)).find((x) => x !== null);
    // Legacy rows read "from Alice to everyone:".
    sender = (from?.textContent ?? '').trim().replace(/^from\s+/i, '').replace(/\s+to\s+.*:$/i, '') || sender;
    const body = p.chatBody.map((c) => row.querySelector(c)).find((x) => x !== null);
    const t = (body?.textContent ?? '').trim();
    if (t) chat.push({ sender, text: t });
  }
  return { verdict: 'in_call', text: '', participants: people.size > 0 ? [...people.values()] : null, chat };
}

type Ended = Extract<MeetingState, { phase: 'ended' }>;
const end = (outcome: Ended['outcome']): MeetingState => ({ phase: 'ended', outcome, text: '' });

const STATE_OF: Record<Verdict, MeetingState> = {
  ended: end({ status: 'call_ended', sub_code: 'call_ended_by_host' }),
  left: end({ status: 'call_ended', sub_code: 'bot_received_leave_call' }),
  removed: end({ status: 'call_ended', sub_code: 'bot_kicked_from_call' }),
  wrong_password: end({ status: 'fatal', sub_code: 'meeting_password_incorrect' }),
  error: end({ status: 'fatal', sub_code: 'webex_join_meeting_error' }),
  waiting_for_host: { phase: 'waiting_for_host' },
  lobby: { phase: 'waiting_room' },
  password: { phase: 'pre_join' },
  connecting: { phase: 'joining' },
  in_call: { phase: 'in_call' },
  pre_join: { phase: 'pre_join' },
  chooser: { phase: 'pre_join' },
  unknown: { phase: 'unknown' },
};

export function webexFrame(ctx: AdapterContext): Promise<Frame> {
  return clientFrame(ctx, CLIENT_IFRAMES);
}

export async function probeWebex(ctx: AdapterContext): Promise<MeetingSnapshot> {
  const frame = await webexFrame(ctx);
  const raw = await evaluateBounded(frame, readWebexClient, { p: PROBE, botName: ctx.botName }, ctx.stepTimeoutMs, 'read the Webex client');
  const base = STATE_OF[raw.verdict];
  return {
    state: base.phase === 'ended' ? { ...base, text: raw.text } : base,
    participants: raw.participants,
    // LMA treats "You" and "You (Host)" rows as the bot's own.
    chat: raw.chat.map((m) => ({ ...m, from_self: m.sender === ctx.botName || /^You( \(Host\))?$/.test(m.sender) })),
  };
}
