import type { BotLifecycle } from '../lifecycle/machine.js';
import type { FatalSubCode } from '../lifecycle/codes.js';
import type { EventLog } from '../events/eventLog.js';
import { nowIso } from '../events/botEvents.js';
import type { MeetingSnapshot } from '../platform/adapter.js';
import type { LeaveRuleEngine } from '../rules/leaveRuleEngine.js';
import type { Clock } from '../util/clock.js';
import type { BotOutputs } from './botOutputs.js';
import { endFor, meetingLetGo, type EndReason } from './endReason.js';
import { MeetingTracker } from './meetingTracker.js';

/**
 * No public bot documents every end or denial screen of every platform, so a text list always misses one: once
 * the page showed the bot a lobby or the call, this many looks in a row of a page the adapter cannot place,
 * over at least this long, mean the meeting let the bot go (Zoom peers: three misses of the Leave button).
 */
const UNPLACED_LOOKS = 3;
const UNPLACED_MS = 6000;

/**
 * Turns each look at the page into what the bot reports and counts: the waiting room in the lifecycle, one
 * `bot.waiting_for_host`, participant and chat events, and the facts the leave rules need. It never touches
 * the page; the session's loop hands it every snapshot, and the join steps the waits they pass through.
 */
export class MeetingObserver {
  private readonly tracker = new MeetingTracker();
  private waitingForHostReported = false;
  private admitted = false;
  /** The last place the page showed the bot: a lobby or the call (for the unplaced-page fallback). */
  private placed: 'waiting_room' | 'in_call' | null = null;
  private unplaced: { looks: number; sinceMs: number } | null = null;
  /** What a host that never starts would mean on the screen seen last (see MeetingState). */
  private unstartedMeans: FatalSubCode | null = null;

  constructor(
    private readonly parts: {
      lifecycle: BotLifecycle;
      rules: LeaveRuleEngine;
      outputs: BotOutputs;
      events: EventLog;
      clock: Clock;
      /** Called once, the first time the page shows the call, before anything seen in it is counted. */
      onAdmitted: () => void;
    },
  ) {}

  /**
   * Applies one snapshot; returns the end when the page says the meeting let the bot go. `readChat` is false
   * while the in-call steps run: chat.jsonl must have the bot's join message before the replies to it, and
   * the page's list keeps what arrives meanwhile.
   */
  see(snap: MeetingSnapshot, opts: { readChat: boolean }): EndReason | null {
    const { lifecycle, rules, events } = this.parts;
    const { state } = snap;
    rules.onWaitingForHost(state.phase === 'waiting_for_host');
    this.unstartedMeans = state.phase === 'waiting_for_host' ? (state.unstartedMeans ?? null) : null;
    if (state.phase !== 'unknown') this.unplaced = null;
    switch (state.phase) {
      case 'ended':
        return meetingLetGo(state.outcome, state.text);
      case 'waiting_room':
        this.placed = 'waiting_room';
        if (lifecycle.code === 'joining_call') lifecycle.transition('in_waiting_room');
        return null;
      case 'waiting_for_host':
        if (lifecycle.code === 'joining_call' && !this.waitingForHostReported) {
          this.waitingForHostReported = true;
          events.emit({ event: 'bot.waiting_for_host', created_at: nowIso() });
        }
        return null;
      case 'in_call':
        this.placed = 'in_call';
        if (!this.admitted) {
          this.admitted = true;
          this.parts.onAdmitted();
        }
        this.track(snap, opts.readChat);
        return null;
      case 'unknown':
        return this.unplacedPage();
      default:
        return null;
    }
  }

  /** The leave rule that fires now, if any, as an end; what a never-started host means comes from the page. */
  decide(): EndReason | null {
    const d = this.parts.rules.evaluate();
    if (!d) return null;
    const detail = { rule: d.rule, ...d.figures };
    if (d.rule === 'wait_for_host_timeout' && this.unstartedMeans) return endFor(this.unstartedMeans, detail);
    return endFor(d.sub_code, detail);
  }

  private unplacedPage(): EndReason | null {
    if (!this.placed) return null;
    const now = this.parts.clock.monotonicMs();
    this.unplaced = { looks: (this.unplaced?.looks ?? 0) + 1, sinceMs: this.unplaced?.sinceMs ?? now };
    const { looks, sinceMs } = this.unplaced;
    if (looks < UNPLACED_LOOKS || now - sinceMs < UNPLACED_MS) return null;
    const detail = { last_seen: this.placed, looks, seconds: Math.round((now - sinceMs) / 100) / 10, reason: 'the page no longer shows the meeting and no known screen says why' };
    return {
      outcome: { status: 'call_ended', sub_code: this.placed === 'in_call' ? 'bot_removed_or_call_ended' : 'bot_kicked_from_waiting_room' },
      detail,
      alreadyOut: true,
    };
  }

  private track(snap: MeetingSnapshot, readChat: boolean): void {
    const { rules, outputs } = this.parts;
    for (const change of this.tracker.updateParticipants(snap.participants)) outputs.participant(change);
    if (snap.participants) {
      rules.onParticipants(this.tracker.others.map(({ id, name }) => ({ id, name })));
      // bot_detection.using_participant_events: someone the page shows speaking is a person.
      for (const p of this.tracker.others) if (p.speaking) rules.onParticipantActivity(p.id);
    }
    if (readChat) for (const msg of this.tracker.newChatMessages(snap.chat)) outputs.chatSeen(msg);
  }
}
