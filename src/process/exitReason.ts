/**
 * How a supervised process ended. `killed` and `timed_out` are ours: the intent is recorded before the
 * signal is sent, so a process we stopped is never mistaken for one that crashed.
 */
export type ExitReason =
  | { kind: 'failed_to_start'; error: string }
  | { kind: 'exited'; code: number }
  | { kind: 'crashed'; signal: string }
  | { kind: 'killed'; reason: string; signal: string }
  | { kind: 'timed_out'; phase: 'start' | 'stop'; afterMs: number };

export function describeExit(r: ExitReason): string {
  switch (r.kind) {
    case 'failed_to_start':
      return `failed to start: ${r.error}`;
    case 'exited':
      return `exited with code ${r.code}`;
    case 'crashed':
      return `crashed (${r.signal})`;
    case 'killed':
      return `stopped by meetbot (${r.reason}, ${r.signal})`;
    case 'timed_out':
      return `timed out while ${r.phase === 'start' ? 'starting' : 'stopping'} after ${r.afterMs} ms`;
  }
}
