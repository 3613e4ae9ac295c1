import { EXIT, oneLine, runCli } from './cliMain.js';
import { UnexpectedFault } from './session/endReason.js';

/**
 * The process around runCli: signals, faults of the process itself, and the exit. SIGTERM/SIGINT ask a
 * running bot to leave; an uncaught exception or rejection is one line on stderr (never a stack trace) and
 * ends the bot `fatal` / `bot_errored` the same orderly way, recording kept. Either way the process is gone
 * STOP_DEADLINE_MS later at the latest; the supervisor's exit hook takes every child with it.
 */
const STOP_DEADLINE_MS = 10_000;
const stop = new AbortController();
/** Set by a fault of the process: whatever the command then returns, the exit code says it broke. */
let faulted = false;

function stopWithin(deadlineMs: number): void {
  setTimeout(() => process.exit(EXIT.fatal), deadlineMs).unref();
}

function onSignal(sig: NodeJS.Signals): void {
  if (stop.signal.aborted) return;
  process.stderr.write(`meetbot: ${sig}: leaving the meeting and finalising the recording\n`);
  stop.abort();
  stopWithin(STOP_DEADLINE_MS);
}

function onFault(err: unknown): void {
  process.stderr.write(`meetbot: unexpected error: ${oneLine(err)}\n`);
  faulted = true;
  if (stop.signal.aborted) return;
  stop.abort(new UnexpectedFault(oneLine(err)));
  stopWithin(STOP_DEADLINE_MS);
}

process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
process.on('uncaughtException', onFault);
process.on('unhandledRejection', onFault);

const returned = await runCli(process.argv.slice(2), process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  stop: stop.signal,
});
const code = faulted && returned === EXIT.done ? EXIT.fatal : returned;
process.exitCode = code;
// Let stdout drain, then exit even if a library left a handle open.
setTimeout(() => process.exit(code), 50).unref();
