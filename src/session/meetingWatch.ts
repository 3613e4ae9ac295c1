import type { AdapterContext, MeetingSnapshot, PlatformAdapter } from '../platform/adapter.js';
import { sleep, withTimeout } from '../util/async.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/log.js';
import { endFor, type EndReason } from './endReason.js';
import type { MeetingObserver } from './meetingObserver.js';
import type { ProgressWatchdog } from './watchdog.js';

const MAINTAIN_EVERY_MS = 2000;
/**
 * Right after the join click the page is read more often, until the bot is first in the call or this window
 * ends: admission usually follows within seconds, and each look saved is join time (a warm bot's join_at → in
 * call, BENCHMARKS.md).
 */
const FAST_POLL_MS = 100;
const FAST_POLL_WINDOW_MS = 10_000;
/** What the page may show while the bot is in a known place; anything else is no progress for the watchdog. */
const SETTLED_PHASES: ReadonlySet<MeetingSnapshot['state']['phase']> = new Set(['waiting_room', 'waiting_for_host', 'in_call']);

export interface MeetingWatchParts {
  adapter: PlatformAdapter;
  /** Its signal is aborted once the bot ends: the loop stops at its next check. */
  ctx: AdapterContext;
  observer: MeetingObserver;
  watchdog: ProgressWatchdog;
  clock: Clock;
  log: Logger;
  pollIntervalMs: number;
  watchdogSec: number;
  /** Resolves when an end is asked for, to cut the wait between two looks short. */
  ended: Promise<unknown>;
  /** The in-call steps dismiss dialogs and send the join message meanwhile (see InCallSteps.running). */
  inCallStepsRunning: () => boolean;
  end: (reason: EndReason) => void;
}

/**
 * The session's poll loop, from the join click until the bot ends: it reads the page, hands each look to the
 * observer, dismisses what blocks the meeting, and asks the leave rules. Every page call is bounded, so the loop
 * keeps turning whatever the page does: a page that stops answering for the watchdog period ends the bot
 * `page_unresponsive`; one that shows nothing the adapter knows for as long is the watchdog's. Every end it finds
 * goes to `end`.
 */
export async function watchMeeting(w: MeetingWatchParts): Promise<void> {
  const { adapter, ctx, clock } = w;
  const watchdogMs = w.watchdogSec * 1000;
  // Page calls end well within the watchdog period, so a hung page is this loop's finding, not the watchdog's.
  const pageCallMs = Math.round(Math.min(ctx.stepTimeoutMs, watchdogMs / 3));
  let lastMaintain = -Infinity;
  let lastAnswer = clock.monotonicMs();
  const fastUntil = clock.monotonicMs() + FAST_POLL_WINDOW_MS;
  let everInCall = false;
  while (!ctx.signal.aborted) {
    let snap: MeetingSnapshot | null = null;
    try {
      snap = await withTimeout(adapter.probe(ctx), pageCallMs, 'read the page');
      lastAnswer = clock.monotonicMs();
    } catch (err) {
      w.log.warn('could not read the page', { error: String(err) });
      w.watchdog.beat(); // the loop is alive and watches the page itself
      if (clock.monotonicMs() - lastAnswer >= watchdogMs) {
        return w.end(endFor('page_unresponsive', { seconds: w.watchdogSec, error: String(err) }));
      }
    }
    if (ctx.signal.aborted) return;
    if (snap) {
      everInCall ||= snap.state.phase === 'in_call';
      if (SETTLED_PHASES.has(snap.state.phase)) w.watchdog.beat();
      const stepsRunning = w.inCallStepsRunning();
      const letGo = w.observer.see(snap, { readChat: !stepsRunning });
      if (letGo) return w.end(letGo);
      // The in-call steps dismiss dialogs themselves; two clickers on one page would trip over each other.
      if (!stepsRunning && clock.monotonicMs() - lastMaintain > MAINTAIN_EVERY_MS) {
        lastMaintain = clock.monotonicMs();
        await withTimeout(adapter.maintain(ctx), pageCallMs, 'page housekeeping').catch((err: unknown) =>
          w.log.debug('maintain failed', { error: String(err) }),
        );
      }
    }
    // A rule fires only while the meeting holds the bot (waiting, in the lobby or in the call): it leaves.
    const decided = w.observer.decide();
    if (decided) return w.end(decided);
    const fast = !everInCall && clock.monotonicMs() < fastUntil;
    await Promise.race([sleep(fast ? Math.min(FAST_POLL_MS, w.pollIntervalMs) : w.pollIntervalMs), w.ended]);
  }
}
