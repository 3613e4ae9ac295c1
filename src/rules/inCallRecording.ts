import { fireAfter, type LeaveRule } from './leaveDecision.js';
import { isInCall, stopwatchMs } from './ruleSnapshot.js';

/** Caps the recording's length: time spent recording, summed across pauses. */
export const inCallRecording: LeaveRule = (spec, s, nowMs) => {
  const timeout = spec.in_call_recording_timeout;
  if (timeout === null || !isInCall(s.status)) return null;
  return fireAfter({
    rule: 'in_call_recording_timeout',
    sub_code: 'timeout_exceeded_in_call_recording',
    timeout,
    elapsedMs: stopwatchMs(s.recording, nowMs),
  });
};
