import { fireAfter, type LeaveRule } from './leaveDecision.js';

/** Not admitted from the lobby in time. Only the current stay counts: admission clears it. */
export const waitingRoom: LeaveRule = (spec, s, nowMs) => {
  if (s.status !== 'in_waiting_room' || s.waitingRoomSince === null) return null;
  return fireAfter({
    rule: 'waiting_room_timeout',
    sub_code: 'timeout_exceeded_waiting_room',
    timeout: spec.waiting_room_timeout,
    elapsedMs: nowMs - s.waitingRoomSince,
  });
};
