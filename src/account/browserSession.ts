import type { BrowserContext } from 'playwright-core';
import type { StorageState } from './credential.js';

/**
 * A saved browser session in and out of the bot's browser. Cookies go straight into the context; local storage
 * is written by an init script on its own origin before the page's scripts run (over CDP the context cannot be
 * created with a storage state, and the bot's profile is new for every run).
 */
export async function restoreSession(context: BrowserContext, state: StorageState): Promise<void> {
  if (state.cookies.length) await context.addCookies(state.cookies);
  const byOrigin = Object.fromEntries(state.origins.map((o) => [o.origin, o.localStorage]));
  if (Object.keys(byOrigin).length === 0) return;
  await context.addInitScript((saved: Record<string, { name: string; value: string }[]>) => {
    const entries = saved[location.origin];
    if (!entries) return;
    try {
      for (const { name, value } of entries) if (localStorage.getItem(name) === null) localStorage.setItem(name, value);
    } catch {
      /* storage refused (opaque origin): the cookies carry the session */
    }
  }, byOrigin);
}

/** The context's session now: the cookies, and local storage of the pages open at this moment. */
export async function captureSession(context: BrowserContext): Promise<StorageState> {
  const state = await context.storageState();
  return {
    cookies: state.cookies.map((c) => ({ ...c, sameSite: c.sameSite ?? 'Lax' })),
    origins: state.origins.map((o) => ({ origin: o.origin, localStorage: o.localStorage.map(({ name, value }) => ({ name, value })) })),
  };
}

/**
 * Whether two sessions differ in what signs the account in: cookie names and values (expiry dates move on
 * every request and are not a rotation) and local storage.
 */
export function sessionChanged(before: StorageState | undefined, after: StorageState): boolean {
  if (!before) return after.cookies.length > 0;
  const cookies = (s: StorageState) =>
    s.cookies
      .map((c) => `${c.domain}\u0000${c.path}\u0000${c.name}\u0000${c.value}`)
      .sort()
      .join('\n');
  const storage = (s: StorageState) =>
    JSON.stringify(
      s.origins
        .map((o) => [o.origin, [...o.localStorage].sort((a, b) => a.name.localeCompare(b.name))] as const)
        .sort((a, b) => a[0].localeCompare(b[0])),
    );
  return cookies(before) !== cookies(after) || storage(before) !== storage(after);
}
