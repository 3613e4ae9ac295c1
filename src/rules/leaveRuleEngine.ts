import type { AutomaticLeaveSpec } from '../config/botSpec.js';
import type { StatusCode } from '../lifecycle/codes.js';
import type { Clock } from '../util/clock.js';
import { botNameMatcher } from './botNameMatcher.js';
import { firstDecision } from './index.js';
import type { LeaveDecision } from './leaveDecision.js';
import { emptySnapshot, holdSince, isBeforeAdmission, isInCall, runStopwatch } from './ruleSnapshot.js';
import type { RuleSnapshot } from './ruleSnapshot.js';
import { nextSilentAudioMs } from './silence.js';

export interface OtherParticipant {
  id: string;
  name: string;
}

/**
 * The automatic-leave rules for one bot. The runtime feeds it what it observes (status changes, the page's
 * "waiting for the host", participant polls and activity, realtime audio levels) and calls `evaluate` often;
 * the engine keeps a snapshot of when each condition became true and asks the rules (./index.ts) in order.
 * All times come from the injected clock's monotonic milliseconds.
 */
export class LeaveRuleEngine {
  private readonly spec: AutomaticLeaveSpec;
  private readonly clock: Clock;
  private readonly isBotName: (name: string) => boolean;
  private readonly snapshot: RuleSnapshot = emptySnapshot();
  private others: readonly OtherParticipant[] = [];
  /** Ids that have spoken or shared a screen, ever: a person stays a person after falling quiet. */
  private readonly activeIds = new Set<string>();
  private lastFrameArrivedMs: number | null = null;
  private decision: LeaveDecision | null = null;

  constructor(spec: AutomaticLeaveSpec, clock: Clock) {
    this.spec = spec;
    this.clock = clock;
    this.isBotName = botNameMatcher(spec.bot_names);
  }

  onStatus(code: StatusCode): void {
    const s = this.snapshot;
    if (code === s.status) return;
    const now = this.clock.monotonicMs();
    s.waitingRoomSince = code === 'in_waiting_room' ? now : null;
    if (isInCall(code)) s.joinedAt ??= now;
    s.notRecording = runStopwatch(s.notRecording, code === 'in_call_not_recording', now);
    s.recording = runStopwatch(s.recording, code === 'in_call_recording', now);
    s.status = code;
  }

  /** Only acted on before admission (the rule checks the status): once in, the host has evidently started it. */
  onWaitingForHost(waiting: boolean): void {
    const s = this.snapshot;
    s.waitingForHostSince = holdSince(s.waitingForHostSince, waiting, this.clock.monotonicMs());
  }

  /**
   * Everyone present but the bot, from one poll. Polls before the bot is in the call are ignored: a lobby's
   * view of the call is partial, and timers about who is present count only from the join. Call it only
   * with a reliable list; an unreadable list is not an empty call.
   */
  onParticipants(others: readonly OtherParticipant[]): void {
    if (!isInCall(this.snapshot.status)) return;
    this.others = others.map(({ id, name }) => ({ id, name }));
    this.updatePresence();
  }

  /** Speaking (or sharing a screen) proves the participant is a person (Recall counts both alike). */
  onParticipantActivity(id: string): void {
    this.activeIds.add(id);
    this.updatePresence();
  }

  /** One realtime frame of the captured meeting audio, levels normalised to 0..1; ignored before the call. */
  onAudioLevel(level: { rms: number; peak: number }, durationMs: number): void {
    const s = this.snapshot;
    if (s.joinedAt === null) return;
    const now = this.clock.monotonicMs();
    // Armed by when the frame's audio began, so no audio captured before activate_after counts.
    const armed = now - durationMs >= s.joinedAt + this.spec.silence.activate_after * 1000;
    const frame = { peak: level.peak, durationMs, arrivedMs: now };
    s.silentAudioMs = nextSilentAudioMs(s.silentAudioMs, frame, this.lastFrameArrivedMs, armed);
    this.lastFrameArrivedMs = now;
  }

  /**
   * The first rule that fires, in LEAVE_RULES order, or null. Once one has fired the same decision is
   * returned until the status leaves the meeting, so a second timer expiring while the bot is leaving
   * cannot change the reason. Once the call has ended (or failed) nothing fires.
   */
  evaluate(): LeaveDecision | null {
    const status = this.snapshot.status;
    if (!isInCall(status) && !isBeforeAdmission(status)) return null;
    this.decision ??= firstDecision(this.spec, this.snapshot, this.clock.monotonicMs());
    return this.decision;
  }

  private updatePresence(): void {
    const s = this.snapshot;
    const now = this.clock.monotonicMs();
    const people = this.others.filter((p) => !this.isBotName(p.name));
    const present = this.others.length > 0;
    if (people.length > 0) s.personEverPresent = true;
    s.everyoneLeftSince = holdSince(s.everyoneLeftSince, s.personEverPresent && people.length === 0, now);
    s.onlyNameBotsSince = holdSince(s.onlyNameBotsSince, present && people.length === 0, now);
    s.nameBots = this.others.filter((p) => this.isBotName(p.name)).map((p) => p.name);
    const activePeople = people.filter((p) => this.activeIds.has(p.id));
    s.onlyEventBotsSince = holdSince(s.onlyEventBotsSince, present && activePeople.length === 0, now);
    s.othersPresent = this.others.length;
  }
}
