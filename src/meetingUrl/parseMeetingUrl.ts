/**
 * Meeting link -> MeetingTarget for Google Meet, Zoom and Webex, refusing anything that could point the bot's
 * browser somewhere else: other schemes, IP literals, internal hosts, credentials, lookalike hosts, several URLs
 * in one. `opts.allowLoopback` is an operator switch for tests and local debugging only: it lets
 * http(s)://127.0.0.1:<port>/... or localhost through when `opts.platform` names the platform, and parses the
 * path with that platform's rules.
 */
import type { MeetingTarget, Platform } from '../config/botSpec.js';
import { googleMeetRules } from './googleMeet.js';
import { hostRefusal } from './hostGuard.js';
import { MeetingUrlError } from './MeetingUrlError.js';
import type { PlatformUrlRules } from './platformRules.js';
import { cleanMeetingUrl, rawAuthority } from './sanitize.js';
import { webexRules } from './webex.js';
import { zoomRules } from './zoom.js';

export { MeetingUrlError } from './MeetingUrlError.js';

export interface MeetingUrlOptions {
  /** Operator switch (tests, local debugging): accept a loopback mock meeting. Off by default. */
  allowLoopback?: boolean;
  /** The platform the caller expects; required for loopback URLs, checked against real hosts. */
  platform?: Platform;
}

const RULES: readonly PlatformUrlRules[] = [googleMeetRules, zoomRules, webexRules];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);
const SUPPORTED = 'Google Meet (meet.google.com), Zoom (zoom.us) or Webex (<site>.webex.com)';

function rulesFor(platform: Platform): PlatformUrlRules {
  const rules = RULES.find((r) => r.platform === platform);
  if (!rules)
    throw new MeetingUrlError(`platform must be one of google_meet, zoom, webex (got ${JSON.stringify(platform)})`);
  return rules;
}

/** A host that is not a platform host: say which platform it imitates when it clearly tries to. */
function unknownHost(host: string): MeetingUrlError {
  const imitated = RULES.find((r) => host.includes(r.keyword));
  if (host.includes('xn--'))
    return new MeetingUrlError(`host ${host} is an internationalised name, not a meeting host`);
  if (imitated)
    return new MeetingUrlError(`host ${host} is not a ${imitated.label} host (lookalike); expected ${imitated.hosts}`);
  return new MeetingUrlError(`host ${host} is not a supported meeting platform; expected ${SUPPORTED}`);
}

function parseCandidate(candidate: string): URL {
  try {
    return new URL(candidate);
  } catch {
    throw new MeetingUrlError('is not a valid URL');
  }
}

export function parseMeetingUrl(raw: string, opts: MeetingUrlOptions = {}): MeetingTarget {
  const [original, candidate] = cleanMeetingUrl(raw);
  const url = parseCandidate(candidate);
  const authority = rawAuthority(candidate);
  if (authority.includes('@') || url.username || url.password) {
    throw new MeetingUrlError('must not contain credentials (user:password@)');
  }
  const writtenHost = authority.replace(/:\d*$/, '').toLowerCase();
  const requested = opts.platform === undefined ? undefined : rulesFor(opts.platform);

  if (opts.allowLoopback && LOOPBACK_HOSTS.has(writtenHost)) {
    if (!requested)
      throw new MeetingUrlError(
        'a loopback meeting URL needs the platform named explicitly (opts.platform / --platform)',
      );
    return { ...requested.parse(url, true), original_url: original };
  }

  const host = url.hostname.replace(/\.$/, '');
  const refusal = hostRefusal(host);
  if (refusal) throw new MeetingUrlError(refusal);
  if (url.protocol !== 'https:') throw new MeetingUrlError(`must use https (got ${url.protocol})`);
  if (url.port) throw new MeetingUrlError(`must not name a port (got :${url.port})`);

  const rules = RULES.find((r) => r.isHost(host));
  if (!rules) throw unknownHost(host);
  if (requested && requested !== rules) {
    throw new MeetingUrlError(`is a ${rules.label} link, but the platform was given as ${requested.platform}`);
  }
  const normalised = new URL(url.href);
  normalised.hostname = host;
  return { ...rules.parse(normalised, false), original_url: original };
}
