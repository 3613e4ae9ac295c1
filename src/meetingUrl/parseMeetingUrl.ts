/**
 * Meeting link -> MeetingTarget for Google Meet, Zoom, Webex and Microsoft Teams, refusing anything that could
 * point the bot's browser somewhere else: other schemes, IP literals, internal hosts, credentials, lookalike
 * hosts, several URLs in one. A Safe Links wrapper is unwrapped once and its Teams link checked by the same
 * rules (the wrapper itself is never opened, so its second URL is not refused). `opts.allowLoopback` is an
 * operator switch for tests and local debugging only: it lets http(s)://127.0.0.1:<port>/... or localhost through
 * when `opts.platform` names the platform, and parses the path with that platform's rules.
 */
import { PLATFORMS, type MeetingTarget, type Platform } from '../config/botSpec.js';
import { googleMeetRules } from './googleMeet.js';
import { hostRefusal } from './hostGuard.js';
import { MeetingUrlError } from './MeetingUrlError.js';
import type { ParsedMeeting, PlatformUrlRules } from './platformRules.js';
import { safeLinkTarget } from './safeLinks.js';
import { assertSingleUrl, cleanMeetingUrl, rawAuthority } from './sanitize.js';
import { teamsRules } from './teams.js';
import { webexRules } from './webex.js';
import { zoomRules } from './zoom.js';

export { MeetingUrlError } from './MeetingUrlError.js';

export interface MeetingUrlOptions {
  /** Operator switch (tests, local debugging): accept a loopback mock meeting. Off by default. */
  allowLoopback?: boolean;
  /** The platform the caller expects; required for loopback URLs, checked against real hosts. */
  platform?: Platform;
}

const RULES: readonly PlatformUrlRules[] = [googleMeetRules, zoomRules, webexRules, teamsRules];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);
const SUPPORTED =
  'Google Meet (meet.google.com), Zoom (zoom.us), Webex (<site>.webex.com) or Microsoft Teams (teams.microsoft.com, teams.live.com)';

function rulesFor(platform: Platform): PlatformUrlRules {
  const rules = RULES.find((r) => r.platform === platform);
  if (!rules)
    throw new MeetingUrlError(`platform must be one of ${PLATFORMS.join(', ')} (got ${JSON.stringify(platform)})`);
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
  return { ...parseLink(candidate, opts, false), original_url: original };
}

/** `wrapped`: `candidate` came out of a Safe Links wrapper, which may hold a Teams link only. */
function parseLink(candidate: string, opts: MeetingUrlOptions, wrapped: boolean): ParsedMeeting {
  const url = parseCandidate(candidate);
  const authority = rawAuthority(candidate);
  if (authority.includes('@') || url.username || url.password) {
    throw new MeetingUrlError('must not contain credentials (user:password@)');
  }
  const writtenHost = authority.replace(/:\d*$/, '').toLowerCase();
  const requested = opts.platform === undefined ? undefined : rulesFor(opts.platform);

  if (opts.allowLoopback && !wrapped && LOOPBACK_HOSTS.has(writtenHost)) {
    if (!requested)
      throw new MeetingUrlError(
        'a loopback meeting URL needs the platform named explicitly (opts.platform / --platform)',
      );
    assertSingleUrl(candidate);
    return requested.parse(url, true);
  }

  const host = url.hostname.replace(/\.$/, '');
  const refusal = hostRefusal(host);
  if (refusal) throw new MeetingUrlError(refusal);
  if (url.protocol !== 'https:') throw new MeetingUrlError(`must use https (got ${url.protocol})`);
  if (url.port) throw new MeetingUrlError(`must not name a port (got :${url.port})`);

  const inner = safeLinkTarget(url, host);
  if (inner !== null) {
    if (wrapped) throw new MeetingUrlError('is a Safe Links wrapper inside another one');
    return unwrapped(inner, opts);
  }
  assertSingleUrl(candidate);
  const rules = RULES.find((r) => r.isHost(host));
  if (!rules) throw unknownHost(host);
  if (wrapped && rules !== teamsRules) {
    throw new MeetingUrlError(`is a ${rules.label} link; only Microsoft Teams links are unwrapped (give the ${rules.label} link itself)`);
  }
  if (requested && requested !== rules) {
    throw new MeetingUrlError(`is a ${rules.label} link, but the platform was given as ${requested.platform}`);
  }
  const normalised = new URL(url.href);
  normalised.hostname = host;
  return rules.parse(normalised, false);
}

function unwrapped(inner: string, opts: MeetingUrlOptions): ParsedMeeting {
  try {
    return parseLink(cleanMeetingUrl(inner)[1], opts, true);
  } catch (err) {
    if (err instanceof MeetingUrlError) throw new MeetingUrlError(`the link inside the Safe Links wrapper: ${err.reason}`);
    throw err;
  }
}
