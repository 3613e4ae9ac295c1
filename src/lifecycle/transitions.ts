import type { StatusCode } from './codes.js';

/**
 * Which status may follow which. `done` and `fatal` are terminal. `call_ended` is reachable from every
 * state in which the bot is at, or on its way to, a meeting (it left, or was made to leave); `fatal` from
 * every non-terminal state (it could not join, or something broke).
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<StatusCode, readonly StatusCode[]>> = {
  ready: ['joining_call', 'fatal'],
  joining_call: ['in_waiting_room', 'in_call_not_recording', 'call_ended', 'fatal'],
  in_waiting_room: ['in_call_not_recording', 'call_ended', 'fatal'],
  in_call_not_recording: ['in_call_recording', 'call_ended', 'fatal'],
  in_call_recording: ['in_call_not_recording', 'call_ended', 'fatal'],
  call_ended: ['done', 'fatal'],
  done: [],
  fatal: [],
};

export function isTransitionAllowed(from: StatusCode, to: StatusCode): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

export function isTerminal(code: StatusCode): boolean {
  return ALLOWED_TRANSITIONS[code].length === 0;
}
