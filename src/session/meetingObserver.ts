import type { BotLifecycle } from '../lifecycle/machine.js';
import type { EventLog } from '../events/eventLog.js';
import { nowIso } from '../events/botEvents.js';
import type { MeetingSnapshot } from '../platform/adapter.js';
import type { LeaveRuleEngine } from '../rules/leaveRuleEngine.js';
import type { BotOutputs } from './botOutputs.js';
import { meetingLetGo, type EndReason } from './endReason.js';
import { MeetingTracker } from './meetingTracker.js';

/**
 * Turns each look at the page into what the bot reports and counts: the waiting room in the lifecycle, one
 * `bot.waiting_for_host`, participant and chat events, and the facts the leave rules need. It never touches
 * the page; the session's loop hands it every snapshot.
 */
export class MeetingObserver {
  private readonly tracker = new MeetingTracker();
  private waitingForHostReported = false;
  private admitted = false;

  constructor(
    private readonly parts: {
      lifecycle: BotLifecycle;
      rules: LeaveRuleEngine;
      outputs: BotOutputs;
      events: EventLog;
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
    switch (state.phase) {
      case 'ended':
        return meetingLetGo(state.outcome, state.text);
      case 'waiting_room':
        if (lifecycle.code === 'joining_call') lifecycle.transition('in_waiting_room');
        return null;
      case 'waiting_for_host':
        if (lifecycle.code === 'joining_call' && !this.waitingForHostReported) {
          this.waitingForHostReported = true;
          events.emit({ event: 'bot.waiting_for_host', created_at: nowIso() });
        }
        return null;
      case 'in_call':
        if (!this.admitted) {
          this.admitted = true;
          this.parts.onAdmitted();
        }
        this.track(snap, opts.readChat);
        return null;
      default:
        return null;
    }
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
