import type { Logger } from '../util/log.js';

/** The longest sleep between two watchdog beats while the bot waits at the pre-join screen. */
const BEAT_MS = 5000;

/**
 * Waits until the bot's join_at, at the pre-join screen, before the join click: a scheduled bot is started early
 * (the service's warm start) so that browser, page and name are ready and the click lands on time. Beats the
 * watchdog (a wait is progress) and returns early when the bot is ending. No join_at, or one passed: no wait.
 */
export async function waitForJoinTime(joinAt: string | null, signal: AbortSignal, beat: () => void, log: Logger): Promise<void> {
  const due = joinAt ? Date.parse(joinAt) : NaN;
  if (!Number.isFinite(due) || due <= Date.now()) return;
  log.info('waiting at the pre-join screen for join_at', { join_at: joinAt, wait_ms: due - Date.now() });
  while (!signal.aborted && Date.now() < due) {
    beat();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(BEAT_MS, due - Date.now()));
      signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }
  beat();
}
