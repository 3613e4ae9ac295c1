import { fireAfter, type LeaveRule } from './leaveDecision.js';
import { isInCall, stopwatchMs } from './ruleSnapshot.js';

/** Too long in the call without recording, counted over every stay (Recall: including after an earlier recording). */
export const inCallNotRecording: LeaveRule = (spec, s, nowMs) => {
  const timeout = spec.in_call_not_recording_timeout;
  if (timeout === null || !isInCall(s.status)) return null;
  return fireAfter({
    rule: 'in_call_not_recording_timeout',
    sub_code: 'timeout_exceeded_in_call_not_recording',
    timeout,
    elapsedMs: stopwatchMs(s.notRecording, nowMs),
  });
};
