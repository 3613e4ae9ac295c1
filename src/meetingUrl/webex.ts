/**
 * Webex links (platforms.md 3.1). The MTID is opaque (no number or password can be derived), so a valid link is
 * passed through unchanged and Webex resolves it server-side; only the fragment is dropped. A `pwd=` some users
 * add to a link is read as the meeting password (the body's `webex.password` wins over it).
 */
import { MeetingUrlError } from './MeetingUrlError.js';
import { canonicalPath, LABEL, type ParsedMeeting, type PlatformUrlRules } from './platformRules.js';

const HOST = new RegExp(`^(?:${LABEL}\\.)+webex\\.com$`);
const MEETING_PAGE = /^\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})\/([je])\.php$/i;
const PERSONAL_ROOM = /^\/meet\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/i;
const MTID = /^[A-Za-z0-9]{8,128}$/;
const EXPECTED =
  'expected <site>.webex.com/<site>/j.php?MTID=m..., /<site>-en/j.php?MTID=..., /<site>/e.php?MTID=... or /meet/<name>';

export const webexRules: PlatformUrlRules = {
  platform: 'webex',
  label: 'Webex',
  hosts: '<site>.webex.com',
  keyword: 'webex',
  isHost: (host) => HOST.test(host),
  parse(url: URL, loopback: boolean): ParsedMeeting {
    const path = canonicalPath(url.pathname);
    const subdomain = loopback ? url.hostname : url.hostname.replace(/\.webex\.com$/, '');
    const joinUrl = `${loopback ? url.origin : `https://${url.hostname}`}${url.pathname}${url.search}`;
    const password = url.searchParams.get('pwd') || null;
    const page = MEETING_PAGE.exec(path);
    if (page) {
      const mtid = url.searchParams.get('MTID') ?? url.searchParams.get('mtid');
      if (mtid === null || !MTID.test(mtid)) {
        throw new MeetingUrlError(`is a Webex ${page[2]}.php link without a valid MTID (${EXPECTED})`);
      }
      return {
        platform: 'webex',
        join_url: joinUrl,
        meeting_id: mtid,
        password,
        recall_shape: { meeting_subdomain: subdomain, meeting_mtid: mtid, meeting_path: page[1]!, platform: 'webex' },
      };
    }
    const room = PERSONAL_ROOM.exec(path)?.[1];
    if (room !== undefined) {
      return {
        platform: 'webex',
        join_url: joinUrl,
        meeting_id: room,
        password,
        recall_shape: {
          meeting_subdomain: subdomain,
          meeting_mtid: null,
          meeting_path: `meet/${room}`,
          platform: 'webex',
        },
      };
    }
    throw new MeetingUrlError(`is not a Webex meeting link (${EXPECTED})`);
  },
};
