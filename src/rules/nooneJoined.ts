import { fireAfter, type LeaveRule } from './leaveDecision.js';
import { isInCall } from './ruleSnapshot.js';

/** In the call since join and no person (name-matched bots aside) has ever been there. */
export const nooneJoined: LeaveRule = (spec, s, nowMs) => {
  const timeout = spec.noone_joined_timeout;
  if (timeout === null || !isInCall(s.status) || s.joinedAt === null || s.personEverPresent) return null;
  return fireAfter({
    rule: 'noone_joined_timeout',
    sub_code: 'timeout_exceeded_noone_joined',
    timeout,
    elapsedMs: nowMs - s.joinedAt,
  });
};
