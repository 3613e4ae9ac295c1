import type { AutomaticLeaveSpec } from '../config/botSpec.js';
import { outcomeOf, type CallEndedSubCode, type EndOutcome, type FatalSubCode } from '../lifecycle/codes.js';
import type { RuleSnapshot } from './ruleSnapshot.js';

/** A rule is named after its field in AutomaticLeaveSpec, so a decision points at the setting that caused it. */
export type RuleName = keyof AutomaticLeaveSpec;

/** Why the bot leaves: the rule, the status and sub_code to report, and the numbers that made it fire (seconds). */
export type LeaveDecision = EndOutcome & {
  rule: RuleName;
  figures: Record<string, number | string>;
};

/** One automatic-leave rule: pure over the tracked snapshot and the monotonic time `nowMs`. */
export type LeaveRule = (spec: AutomaticLeaveSpec, snapshot: RuleSnapshot, nowMs: number) => LeaveDecision | null;

/** ms → seconds, kept to the millisecond so figures read like `61.2`. */
export function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/**
 * How long a condition that became true at `sinceMs` has counted by `nowMs`, if counting may only start at
 * `activeFromMs` (join + activate_after): a rule arms after activate_after and then waits its full timeout,
 * as Attendee's silence rule does, rather than firing the moment it arms on a condition older than that.
 */
export function countedMs(sinceMs: number, activeFromMs: number, nowMs: number): number {
  return nowMs - Math.max(sinceMs, activeFromMs);
}

/** The decision once `elapsedMs` has reached `timeout` seconds, else null. A fatal sub_code makes it `fatal`. */
export function fireAfter(opts: {
  rule: RuleName;
  sub_code: CallEndedSubCode | FatalSubCode;
  timeout: number;
  elapsedMs: number;
  figures?: Record<string, number | string>;
}): LeaveDecision | null {
  if (opts.elapsedMs < opts.timeout * 1000) return null;
  return {
    rule: opts.rule,
    ...outcomeOf(opts.sub_code),
    figures: { timeout: opts.timeout, elapsed: seconds(opts.elapsedMs), ...opts.figures },
  };
}
