import { countedMs, fireAfter, type LeaveRule } from './leaveDecision.js';
import { isInCall } from './ruleSnapshot.js';

/**
 * A person was in the call and now none is (name-matched bots are not people). Armed only after someone came,
 * so an empty call is noone_joined's business; a person rejoining clears it.
 */
export const everyoneLeft: LeaveRule = (spec, s, nowMs) => {
  if (!isInCall(s.status) || s.joinedAt === null || s.everyoneLeftSince === null) return null;
  const { timeout, activate_after } = spec.everyone_left;
  return fireAfter({
    rule: 'everyone_left',
    sub_code: 'timeout_exceeded_everyone_left',
    timeout,
    elapsedMs: countedMs(s.everyoneLeftSince, s.joinedAt + activate_after * 1000, nowMs),
    figures: { activate_after },
  });
};
