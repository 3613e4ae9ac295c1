/** Small promise helpers shared by the runtime and the adapters: every wait in the bot is bounded. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The work's result, or a rejection once `ms` have passed: `what` names the step in the message ("open the
 * page did not finish within 15000 ms"), or builds the error itself. The work is not cancelled; its late
 * result is dropped.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string | (() => Error)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(typeof what === 'string' ? new Error(`${what} did not finish within ${ms} ms`) : what()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
