import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Preferences written into a bot's fresh Chromium profile before it starts.
 *
 * Meeting pages such as Webex's "Join from this browser" chooser also fire an app link (`webex://...`).
 * Chromium answers with a native "Open xdg-open?" dialog that swallows every click on the page and that no
 * page or CDP input can close (only an OS-level Escape can). Allowing the scheme for the meeting's origin up front
 * means no dialog at all: Chromium hands the link to the OS, which has no handler, and the page goes on.
 */
export interface ExternalProtocols {
  origin: string;
  schemes: readonly string[];
}

export function initialPreferences(protocols: ExternalProtocols | null): Record<string, unknown> {
  const prefs: Record<string, unknown> = { ...NO_PASSWORD_MANAGER };
  if (!protocols || protocols.schemes.length === 0) return prefs;
  const allowed = Object.fromEntries(protocols.schemes.map((s) => [s, true]));
  return { ...prefs, protocol_handler: { allowed_origin_protocol_pairs: { [protocols.origin]: allowed } } };
}

/**
 * A signed-in bot types its password into Google's sign-in page, and Chromium then offers to save it: a native
 * "Save password?" bubble over the top right of the page that swallows OS-level clicks there (Meet's Join now
 * sits under it). The bot's profile is thrown away after the run, so its password manager is off.
 */
const NO_PASSWORD_MANAGER = { credentials_enable_service: false, profile: { password_manager_enabled: false } };

export async function writeInitialPreferences(userDataDir: string, prefs: Record<string, unknown>): Promise<void> {
  await mkdir(join(userDataDir, 'Default'), { recursive: true });
  await writeFile(join(userDataDir, 'Default', 'Preferences'), JSON.stringify(prefs));
}
