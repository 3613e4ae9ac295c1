/**
 * Microsoft Defender Safe Links: Outlook and Teams rewrite every link in an invite to a wrapper whose `url=`
 * carries the real one (teams.md 1.1), so a pasted Teams invite often arrives wrapped. The wrapper is never
 * opened; its target is parsed like any other link.
 */
import { MeetingUrlError } from './MeetingUrlError.js';
import { canonicalPath, LABEL } from './platformRules.js';

const OUTLOOK_HOST = new RegExp(`^(?:${LABEL}\\.)?safelinks\\.protection\\.outlook\\.com$`);
const TEAMS_HOST = 'statics.teams.cdn.office.net';
const TEAMS_PATH = '/evergreen-assets/safelinks/1/atp-safelinks.html';

/**
 * The link a Safe Links wrapper carries, or null when `url` (on the already checked `host`) is not a wrapper.
 * The wrapper's other parameters (`data`, `sdata`, `reserved`) say nothing about the meeting and are dropped.
 */
export function safeLinkTarget(url: URL, host: string): string | null {
  if (host === TEAMS_HOST && canonicalPath(url.pathname).toLowerCase() !== TEAMS_PATH) {
    throw new MeetingUrlError(`is not a Teams Safe Links link (expected https://${TEAMS_HOST}${TEAMS_PATH}?url=...)`);
  }
  if (host !== TEAMS_HOST && !OUTLOOK_HOST.test(host)) return null;
  const target = url.searchParams.get('url');
  if (!target) throw new MeetingUrlError('is a Safe Links wrapper without the url= it protects');
  return target;
}
