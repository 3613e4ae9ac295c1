/**
 * The phases of one bot session, declared like the public lifecycle (lifecycle/transitions.ts) but for the
 * bot's own work: what it is doing, not what it reports. The public status follows what the page shows
 * (`in_waiting_room`, `in_call_recording`); the phase says which part of the run is in charge.
 *
 * - launching: the output folder, the bot's display and audio server, Chromium.
 * - joining:   the adapter's join steps, up to and including the join click.
 * - admitting: the poll loop waits until the page shows the call (lobby, waiting for the host).
 * - in_call:   the poll loop watches the call; the in-call steps (recorder, dialogs, chat panel, join
 *              message) run beside it from the moment of admission.
 * - ending:    an EndReason was given: page work stops, the bot leaves, the recorder stops, the final
 *              status is reported and the outputs are written.
 * - finished:  everything the session started is gone.
 *
 * An end can be asked for in every phase before `ending`; every way out goes through `ending`.
 */
export type SessionPhase = 'launching' | 'joining' | 'admitting' | 'in_call' | 'ending' | 'finished';

export interface PhaseRule {
  next: readonly SessionPhase[];
  /** The step name the progress watchdog reports (`watchdog_no_progress` detail), or null when not watched. */
  watchdogStep: string | null;
}

export const SESSION_PHASES: Readonly<Record<SessionPhase, PhaseRule>> = {
  // Each start below is bounded by its own timeout (Xvfb, PulseAudio, Chromium's DevTools line).
  launching: { next: ['joining', 'ending'], watchdogStep: null },
  joining: { next: ['admitting', 'ending'], watchdogStep: 'join' },
  admitting: { next: ['in_call', 'ending'], watchdogStep: 'in the meeting' },
  in_call: { next: ['ending'], watchdogStep: 'in the meeting' },
  ending: { next: ['finished'], watchdogStep: null },
  finished: { next: [], watchdogStep: null },
};

export class IllegalPhaseChange extends Error {
  override name = 'IllegalPhaseChange';
  constructor(
    readonly from: SessionPhase,
    readonly to: SessionPhase,
  ) {
    super(`illegal session phase change ${from} -> ${to}`);
  }
}

/** The next phase, checked against the table: a session that skips a phase is a bug, caught in tests. */
export function nextPhase(from: SessionPhase, to: SessionPhase): SessionPhase {
  if (!SESSION_PHASES[from].next.includes(to)) throw new IllegalPhaseChange(from, to);
  return to;
}
