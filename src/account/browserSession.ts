import type { BrowserContext } from 'playwright-core';
import { withTimeout } from '../util/async.js';
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

/** Longest a page may take to hand over its local storage (the page may be busy joining). */
const READ_STORAGE_MS = 2000;

/**
 * The context's session now: every cookie, and the local storage of the pages open at this moment. Not
 * context.storageState(): for an origin no page shows any more (the sign-in host) it opens a tab of its own,
 * which would take the bot's window, and the recording, for a moment.
 */
export async function captureSession(context: BrowserContext): Promise<StorageState> {
  const cookies = (await withTimeout(context.cookies(), READ_STORAGE_MS, 'reading the cookies')).map((c) => ({ ...c, sameSite: c.sameSite ?? 'Lax' }));
  const origins: StorageState['origins'] = [];
  for (const page of context.pages()) {
    const read = page.evaluate(() => ({ origin: location.origin, entries: Object.entries(localStorage) }));
    const storage = await withTimeout(read, READ_STORAGE_MS, 'reading local storage').catch(() => null);
    if (!storage || storage.origin === 'null' || storage.entries.length === 0 || origins.some((o) => o.origin === storage.origin)) continue;
    origins.push({ origin: storage.origin, localStorage: storage.entries.map(([name, value]) => ({ name, value })) });
  }
  return { cookies, origins };
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
