import type { StatusCode } from '../lifecycle/codes.js';

/** Time spent in one state over every stay in it (the not-recording and recording caps are cumulative). */
export interface Stopwatch {
  totalMs: number;
  runningSince: number | null;
}

/**
 * What the rules look at: the facts the engine has tracked from the bot's events, as moments on the
 * monotonic clock (ms) at which a condition *became* true, so "true for N seconds" is a pure calculation
 * over this snapshot and `now`. A `...Since` field is null while its condition does not hold.
 */
export interface RuleSnapshot {
  status: StatusCode | null;
  /** Start of the current stay in the waiting room. */
  waitingRoomSince: number | null;
  /** Since when the page has said, without a break, that the host has not started the meeting. */
  waitingForHostSince: number | null;
  /** First entry into the call; every activate_after and max_uptime counts from here. */
  joinedAt: number | null;
  notRecording: Stopwatch;
  recording: Stopwatch;
  /** A person (any participant but a name-matched bot) has been seen in the call. */
  personEverPresent: boolean;
  /** Since when no person has been present, after one was. */
  everyoneLeftSince: number | null;
  /** Since when others are present and every one of them is a name-matched bot. */
  onlyNameBotsSince: number | null;
  /** Names of the name-matched bots present now. */
  nameBots: string[];
  /** Since when others are present and none is a person who has spoken or shared a screen. */
  onlyEventBotsSince: number | null;
  /** How many others are present now. */
  othersPresent: number;
  /** Captured meeting audio (ms of audio, not of wall time) below the speech threshold since the last sound. */
  silentAudioMs: number;
}

export function emptySnapshot(): RuleSnapshot {
  return {
    status: null,
    waitingRoomSince: null,
    waitingForHostSince: null,
    joinedAt: null,
    notRecording: { totalMs: 0, runningSince: null },
    recording: { totalMs: 0, runningSince: null },
    personEverPresent: false,
    everyoneLeftSince: null,
    onlyNameBotsSince: null,
    nameBots: [],
    onlyEventBotsSince: null,
    othersPresent: 0,
    silentAudioMs: 0,
  };
}

export function isInCall(status: StatusCode | null): boolean {
  return status === 'in_call_not_recording' || status === 'in_call_recording';
}

/** Not yet admitted, and not ended: the only phase in which the host or the lobby can keep the bot out. */
export function isBeforeAdmission(status: StatusCode | null): boolean {
  return status === null || status === 'ready' || status === 'joining_call' || status === 'in_waiting_room';
}

/** Keeps the moment a condition became true while it holds, forgets it when it stops holding. */
export function holdSince(since: number | null, holds: boolean, nowMs: number): number | null {
  return holds ? (since ?? nowMs) : null;
}

export function runStopwatch(w: Stopwatch, running: boolean, nowMs: number): Stopwatch {
  if (running && w.runningSince === null) return { totalMs: w.totalMs, runningSince: nowMs };
  if (!running && w.runningSince !== null) return { totalMs: w.totalMs + nowMs - w.runningSince, runningSince: null };
  return w;
}

export function stopwatchMs(w: Stopwatch, nowMs: number): number {
  return w.totalMs + (w.runningSince === null ? 0 : nowMs - w.runningSince);
}
