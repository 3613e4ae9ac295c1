import { fireAfter, type LeaveRule } from './leaveDecision.js';
import { isBeforeAdmission } from './ruleSnapshot.js';

/** The page has said "waiting for the host" too long: the meeting never started (fatal, like could_not_join). */
export const waitForHost: LeaveRule = (spec, s, nowMs) => {
  if (!isBeforeAdmission(s.status) || s.waitingForHostSince === null) return null;
  return fireAfter({
    rule: 'wait_for_host_timeout',
    sub_code: 'meeting_not_started',
    timeout: spec.wait_for_host_timeout,
    elapsedMs: nowMs - s.waitingForHostSince,
  });
};
