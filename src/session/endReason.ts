import { outcomeOf, type CallEndedSubCode, type EndOutcome, type FatalSubCode } from '../lifecycle/codes.js';
import { JoinStepError } from '../platform/adapter.js';

/**
 * Why a bot's run ends. Asking for an end means handing the session one of these (BotSession.end), and it is
 * the only input to what follows: leave the meeting or not, stop the recorder, report `call_ended` / `done` or
 * `fatal`, finalise the outputs. The first reason given wins; later ones are dropped.
 */
export interface EndReason {
  outcome: EndOutcome;
  /** Facts for the final status event: the rule and its figures, the step that failed, how a process ended. */
  detail: Record<string, unknown>;
  /** The meeting has already let the bot go (an end screen, a removal): there is nothing to leave. */
  alreadyOut: boolean;
  /** The error behind an unexpected failure, for the evidence in failure/ (a join step names its selectors). */
  error?: unknown;
}

/** An end that reports `fatal`. */
export type FatalEnd = EndReason & { outcome: Extract<EndOutcome, { status: 'fatal' }> };

/** An end decided by the bot or its operator while the meeting may still hold it: it leaves first. */
export function endFor(sub_code: CallEndedSubCode | FatalSubCode, detail: Record<string, unknown>): EndReason {
  return { outcome: outcomeOf(sub_code), detail, alreadyOut: false };
}

/** The page shows the meeting is over for the bot (ended by the host, removed, refused). */
export function meetingLetGo(outcome: EndOutcome, text: string): EndReason {
  return { outcome, detail: { text }, alreadyOut: true };
}

/** Something threw: a join step that failed names its step and sub_code, anything else is `bot_errored`. */
export function failedWith(err: unknown): FatalEnd {
  const message = err instanceof Error ? err.message : String(err);
  const sub_code: FatalSubCode = err instanceof JoinStepError ? err.sub_code : 'bot_errored';
  const detail = err instanceof JoinStepError ? { message, step: err.step } : { message };
  return { outcome: { status: 'fatal', sub_code }, detail, alreadyOut: false, error: err };
}

/** A stop signal's reason that ends the bot `fatal` / `bot_errored` rather than as a leave: the process broke. */
export class UnexpectedFault extends Error {
  override name = 'UnexpectedFault';
}

/** The end a stop signal asks for: the operator's leave (SIGTERM), or `bot_errored` when the process broke. */
export function stopSignalEnd(reason: unknown): EndReason {
  return reason instanceof UnexpectedFault
    ? endFor('bot_errored', { message: reason.message })
    : endFor('bot_received_leave_call', { reason: 'stop signal' });
}
