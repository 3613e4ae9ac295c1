import { fireAfter, type LeaveRule } from './leaveDecision.js';
import { isInCall } from './ruleSnapshot.js';

/** Attendee max_uptime_seconds: wall time since the bot entered the call, whatever happens in it. */
export const maxUptime: LeaveRule = (spec, s, nowMs) => {
  const timeout = spec.max_uptime;
  if (timeout === null || !isInCall(s.status) || s.joinedAt === null) return null;
  return fireAfter({
    rule: 'max_uptime',
    sub_code: 'timeout_exceeded_max_duration',
    timeout,
    elapsedMs: nowMs - s.joinedAt,
  });
};
