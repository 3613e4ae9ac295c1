import type { AutomaticLeaveSpec } from '../config/botSpec.js';
import { botEvents } from './botEvents.js';
import { botNames } from './botNames.js';
import { everyoneLeft } from './everyoneLeft.js';
import { inCallNotRecording } from './inCallNotRecording.js';
import { inCallRecording } from './inCallRecording.js';
import type { LeaveDecision, LeaveRule } from './leaveDecision.js';
import { maxUptime } from './maxUptime.js';
import { nooneJoined } from './nooneJoined.js';
import type { RuleSnapshot } from './ruleSnapshot.js';
import { silence } from './silence.js';
import { waitForHost } from './waitForHost.js';
import { waitingRoom } from './waitingRoom.js';

/**
 * The order in which rules are asked; the first that fires wins. Timers rarely expire on the same tick, so
 * the order mostly decides which sub_code is reported when two do: the one that best explains why the
 * meeting is over comes first.
 *
 * 1-2. Before admission only (each rule checks the status): wait_for_host before waiting_room, because a
 *      meeting that has not started is the cause and the lobby only its symptom.
 * 3-4. In the call, direct observations of the people: everyone_left, then noone_joined (never both: one
 *      needs a person to have been seen, the other that none ever was).
 * 5-6. Only bots remain: by names (certain), then by events (a guess, unreliable on Meet).
 * 7.   silence: an inference from the audio. When everyone left or only bots remain it is also silent, and
 *      "everyone left" is the truer reason, so silence comes after them.
 * 8-10. Caps the client set whatever happens in the meeting: max_uptime, then recording, then not-recording
 *      time. They do not say the meeting is over, so they never take a reason away from the rules above.
 */
export const LEAVE_RULES: readonly LeaveRule[] = [
  waitForHost,
  waitingRoom,
  everyoneLeft,
  nooneJoined,
  botNames,
  botEvents,
  silence,
  maxUptime,
  inCallRecording,
  inCallNotRecording,
];

export function firstDecision(spec: AutomaticLeaveSpec, snapshot: RuleSnapshot, nowMs: number): LeaveDecision | null {
  for (const rule of LEAVE_RULES) {
    const decision = rule(spec, snapshot, nowMs);
    if (decision) return decision;
  }
  return null;
}
