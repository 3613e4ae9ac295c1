/**
 * Google Meet links (platforms.md 1.1): the 3-4-3 letter code or the `/lookup/<name>` form. The query is
 * dropped and `hl=en` pinned, because the adapter matches English UI texts (platforms.md 0.2).
 */
import { MeetingUrlError } from './MeetingUrlError.js';
import { canonicalPath, type ParsedMeeting, type PlatformUrlRules } from './platformRules.js';

const CODE = /^\/([a-z]{3}-[a-z]{4}-[a-z]{3})$/i;
const LOOKUP = /^\/lookup\/([A-Za-z0-9_-]{1,128})$/;

export const googleMeetRules: PlatformUrlRules = {
  platform: 'google_meet',
  label: 'Google Meet',
  hosts: 'meet.google.com',
  keyword: 'google',
  isHost: (host) => host === 'meet.google.com',
  parse(url: URL, loopback: boolean): ParsedMeeting {
    const origin = loopback ? url.origin : 'https://meet.google.com';
    const path = canonicalPath(url.pathname);
    const code = CODE.exec(path)?.[1]?.toLowerCase();
    const lookup = LOOKUP.exec(path)?.[1];
    const meetingId = code ?? lookup;
    if (meetingId === undefined) {
      throw new MeetingUrlError(
        'is not a Google Meet meeting link (expected meet.google.com/abc-defg-hij, 3-4-3 letters, or meet.google.com/lookup/<name>)',
      );
    }
    return {
      platform: 'google_meet',
      join_url: `${origin}/${code ?? `lookup/${lookup}`}?hl=en`,
      meeting_id: meetingId,
      password: null,
      recall_shape: { meeting_id: meetingId, platform: 'google_meet' },
    };
  },
};
