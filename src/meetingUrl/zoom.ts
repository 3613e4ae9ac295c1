/**
 * Zoom links (platforms.md 2.1). Every numeric form is rewritten to the web client, `/wc/<id>/join`, on the
 * link's vanity host (acme.zoom.us) or app.zoom.us; zoom.com becomes zoom.us. Like Attendee, only `pwd`
 * (trimmed to `^[a-zA-Z0-9]+(\.\d+)?`) and `tk` survive from the query.
 */
import { MeetingUrlError } from './MeetingUrlError.js';
import { canonicalPath, LABEL, type ParsedMeeting, type PlatformUrlRules } from './platformRules.js';

const HOST = new RegExp(`^(?:(?:${LABEL}\\.)*${LABEL}\\.)?zoom\\.(?:us|com)$`);
const NUMERIC_PATHS = [/^\/[js]\/(\d{1,20})$/i, /^\/wc\/join\/(\d{1,20})$/i, /^\/wc\/(\d{1,20})\/join$/i];
const PERSONAL_PATH = /^\/my\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/i;
const PWD = /^[a-zA-Z0-9]+(?:\.\d+)?/;
const TK = /^[A-Za-z0-9._~-]{1,1024}$/;
const EXPECTED = 'expected /j/<meeting id>, /s/<id>, /wc/join/<id>, /wc/<id>/join or /my/<name>';

function query(pwd: string | null, tk: string | null): string {
  const params = new URLSearchParams();
  if (pwd) params.set('pwd', pwd);
  if (tk) params.set('tk', tk);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** zoom.com -> zoom.us; the bare and www hosts have no vanity part. */
function canonicalHost(host: string): { host: string; vanity: boolean } {
  const us = host.replace(/zoom\.com$/, 'zoom.us');
  const vanity = us !== 'zoom.us' && us !== 'www.zoom.us';
  return { host: vanity ? us : 'zoom.us', vanity };
}

export const zoomRules: PlatformUrlRules = {
  platform: 'zoom',
  label: 'Zoom',
  hosts: 'zoom.us, zoom.com or <name>.zoom.us',
  keyword: 'zoom',
  isHost: (host) => HOST.test(host),
  parse(url: URL, loopback: boolean): ParsedMeeting {
    const path = canonicalPath(url.pathname);
    const pwd = PWD.exec(url.searchParams.get('pwd') ?? '')?.[0] ?? null;
    const tkRaw = url.searchParams.get('tk');
    const tk = tkRaw !== null && TK.test(tkRaw) ? tkRaw : null;
    const { host, vanity } = canonicalHost(url.hostname);

    const numeric = NUMERIC_PATHS.map((re) => re.exec(path)?.[1]).find((id) => id !== undefined);
    if (numeric !== undefined) {
      const origin = loopback ? url.origin : `https://${vanity ? host : 'app.zoom.us'}`;
      return {
        platform: 'zoom',
        join_url: `${origin}/wc/${numeric}/join${query(pwd, tk)}`,
        meeting_id: numeric,
        password: pwd,
        recall_shape: { meeting_id: numeric, platform: 'zoom' },
      };
    }
    const personal = PERSONAL_PATH.exec(path)?.[1];
    if (personal !== undefined) {
      // A personal link has no numeric id to build /wc/ from; Zoom resolves it on the link's own host, whose
      // landing page offers "Join from your browser" (the adapter takes it).
      return {
        platform: 'zoom',
        join_url: `${loopback ? url.origin : `https://${host}`}/my/${personal}${query(pwd, tk)}`,
        meeting_id: personal,
        password: pwd,
        recall_shape: { meeting_id: personal, platform: 'zoom' },
      };
    }
    throw new MeetingUrlError(`is not a Zoom meeting link (${EXPECTED})`);
  },
};
