/**
 * Microsoft Teams links (teams.md 1.1). Every joinable form becomes one of Attendee's two canonical links, which
 * the web client opens without the app launcher: `/l/meetup-join/<thread>/<message>?context={"Tid","Oid"}` for a
 * business meeting, `/meet/<id>?p=<passcode>` for a short or consumer (teams.live.com) link. Launcher, `/v2/`
 * (route in the fragment) and light-meetings (`coords`) links carry one of these inside; like Attendee, their
 * parts may be URL-encoded up to three times. Everything else in the link (presenter `pp=`, launch flags) is
 * dropped: the bot joins as an anonymous attendee.
 */
import { Buffer } from 'node:buffer';
import { MeetingUrlError } from './MeetingUrlError.js';
import { canonicalPath, type ParsedMeeting, type PlatformUrlRules } from './platformRules.js';
import { percentDecode } from './sanitize.js';

const HOSTS = new Set([
  'teams.microsoft.com',
  'teams.live.com',
  'teams.cloud.microsoft',
  'teams.microsoft.us',
  'gov.teams.microsoft.us',
  'dod.teams.microsoft.us',
]);
/** Consumer Teams: Recall reports its links as `microsoft_teams_live`. */
const LIVE_HOST = 'teams.live.com';

const THREAD = /^19:[A-Za-z0-9_.=-]{1,256}@thread\.(?:v2|tacv2|skype)$/;
const MESSAGE = /^\d{1,20}$/;
/** Tenant and organizer ids are GUIDs; this is looser, but safe to write into the context JSON. */
const DIRECTORY_ID = /^[A-Za-z0-9-]{1,64}$/;
const MEETING_NUMBER = /^\d{10,15}$/;
const PASSCODE = /^[A-Za-z0-9]{1,64}$/;
const DECODE_ROUNDS = 3;

const MEETUP_ROUTE = /^\/l\/meetup-join\/([^/]+)\/([^/]+)$/i;
const MEET_ROUTE = /^\/meet\/([^/]+)$/i;
const LAUNCHER_PATH = '/dl/launcher/launcher.html';
const LIGHT_PATH = '/light-meetings/launch';
/** Paths whose route sits in the fragment: the v2 client and the classic `/_#/` one. */
const FRAGMENT_PATHS = new Set(['/v2', '/_']);

const EXPECTED =
  'expected teams.microsoft.com/l/meetup-join/19:meeting_...@thread.v2/0?context={"Tid":"..."}, ' +
  'teams.microsoft.com/meet/<id>?p=<passcode>, teams.live.com/meet/<id>?p=<passcode>, ' +
  'or a launcher, /v2/ or light-meetings link to one of them';
const NOT_JOINABLE: [RegExp, string][] = [
  [/^\/meetingoptions(?:\/|$)/i, 'the meeting options page'],
  [/^\/dl\//i, 'a /dl/ deep link other than the meeting launcher'],
  [/^\/usp(?:\/|$)/i, 'a /usp/ page'],
];

interface BusinessMeeting {
  thread: string;
  message: string;
  tenant: string;
  organizer: string | null;
}

/** `text` and up to three unquoted versions of it; the first that `read` accepts, or null. */
function decoded<T>(text: string, read: (s: string) => T | null): T | null {
  let current = text;
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    const value = read(current);
    if (value !== null) return value;
    const next = percentDecode(current);
    if (next === current) break;
    current = next;
  }
  return null;
}

const matching = (re: RegExp) => (s: string) => (re.test(s) ? s : null);
const optionalId = (v: unknown): string | null | undefined =>
  v === undefined || v === null || v === '' ? null : typeof v === 'string' && DIRECTORY_ID.test(v) ? v : undefined;

function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The meetup-join `context` JSON: a tenant id (`Tid`) and, usually, the organizer's (`Oid`). */
function readContext(text: string): { tenant: string; organizer: string | null } | null {
  const json = jsonObject(text);
  const tenant = json?.Tid;
  const organizer = optionalId(json?.Oid);
  if (typeof tenant !== 'string' || !DIRECTORY_ID.test(tenant) || organizer === undefined) return null;
  return { tenant, organizer };
}

/** Light-meetings `coords`: base64 JSON {conversationId, tenantId, organizerId, messageId}. */
function readCoords(text: string): BusinessMeeting | null {
  // A `+` written plainly in the query reads as a space.
  const base64 = text.replace(/ /g, '+');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(base64)) return null;
  const json = jsonObject(Buffer.from(base64, 'base64').toString('utf8'));
  const thread = json?.conversationId;
  const tenant = json?.tenantId;
  const organizer = optionalId(json?.organizerId);
  const message = json?.messageId ?? '0';
  const valid =
    typeof thread === 'string' && THREAD.test(thread) && typeof tenant === 'string' && DIRECTORY_ID.test(tenant) &&
    organizer !== undefined && typeof message === 'string' && MESSAGE.test(message);
  return valid ? { thread, message, tenant, organizer } : null;
}

/** The route (`/l/meetup-join/...` or `/meet/...`, with its query) a link carries. */
function routeOf(url: URL, path: string, page: string): string {
  if (page === LAUNCHER_PATH) {
    // `url=/_#/l/...` written plainly puts the route in the fragment; encoded, it stays in the parameter.
    const target = `${url.searchParams.get('url') ?? ''}${url.hash}`;
    return decoded(target, (s) => /^(?:\/_#?)?(\/.*)$/.exec(s)?.[1] ?? null) ?? '';
  }
  if (FRAGMENT_PATHS.has(page)) return url.hash.replace(/^#/, '');
  return `${path}${url.search}`;
}

function meetupJoin(threadPart: string, messagePart: string, query: URLSearchParams): BusinessMeeting {
  const thread = decoded(threadPart, matching(THREAD));
  if (thread === null) {
    throw new MeetingUrlError(
      'is a Teams meetup-join link with an invalid thread id (expected 19:<id>@thread.v2 or @thread.tacv2)',
    );
  }
  if (!MESSAGE.test(messagePart))
    throw new MeetingUrlError('is a Teams meetup-join link with an invalid message id (expected digits)');
  const context = decoded(query.get('context') ?? '', readContext);
  if (context === null) {
    throw new MeetingUrlError(
      'is a Teams meetup-join link without a valid context (expected context={"Tid":"<tenant id>","Oid":"<organizer id>"}, Oid optional)',
    );
  }
  return { thread, message: messagePart, ...context };
}

function businessTarget(origin: string, m: BusinessMeeting): ParsedMeeting {
  const thread = m.thread.replace(':', '%3a').replace('@', '%40');
  const context = JSON.stringify(m.organizer === null ? { Tid: m.tenant } : { Tid: m.tenant, Oid: m.organizer });
  return {
    platform: 'microsoft_teams',
    join_url: `${origin}/l/meetup-join/${thread}/${m.message}?context=${context}`,
    meeting_id: m.thread,
    password: null,
    recall_shape: {
      meeting_id: m.thread,
      thread_id: m.thread,
      message_id: m.message,
      tenant_id: m.tenant,
      organizer_id: m.organizer,
      business_meeting_id: null,
      platform: 'microsoft_teams',
    },
  };
}

/** A short (business) or consumer link; the passcode is a secret, so the Recall shape leaves it out. */
function meetTarget(origin: string, live: boolean, idPart: string, query: URLSearchParams): ParsedMeeting {
  if (!MEETING_NUMBER.test(idPart))
    throw new MeetingUrlError('is a Teams /meet/ link with an invalid meeting id (expected 10 to 15 digits)');
  const passcode = query.get('p') || null;
  if (passcode !== null && !PASSCODE.test(passcode))
    throw new MeetingUrlError('is a Teams /meet/ link whose passcode p= is not 1 to 64 letters and digits');
  return {
    platform: 'microsoft_teams',
    join_url: `${origin}/meet/${idPart}${passcode === null ? '' : `?p=${passcode}`}`,
    meeting_id: idPart,
    password: passcode,
    recall_shape: {
      meeting_id: idPart,
      thread_id: null,
      message_id: null,
      tenant_id: null,
      organizer_id: null,
      business_meeting_id: live ? null : idPart,
      platform: live ? 'microsoft_teams_live' : 'microsoft_teams',
    },
  };
}

export const teamsRules: PlatformUrlRules = {
  platform: 'microsoft_teams',
  label: 'Microsoft Teams',
  hosts: 'teams.microsoft.com, teams.live.com, teams.cloud.microsoft or (gov., dod.)teams.microsoft.us',
  keyword: 'teams',
  isHost: (host) => HOSTS.has(host),
  parse(url: URL, loopback: boolean): ParsedMeeting {
    const live = !loopback && url.hostname === LIVE_HOST;
    const origin = loopback ? url.origin : `https://${url.hostname}`;
    // Like Attendee, a consumer host's meetup-join link opens on the business host.
    const businessOrigin = live ? 'https://teams.microsoft.com' : origin;
    const path = canonicalPath(url.pathname);
    const page = path.toLowerCase();
    if (page === LIGHT_PATH) {
      const coords = decoded(url.searchParams.get('coords') ?? '', readCoords);
      if (coords === null) {
        throw new MeetingUrlError(
          'is a Teams light-meetings link without valid coords (expected base64 JSON with conversationId and tenantId)',
        );
      }
      return businessTarget(businessOrigin, coords);
    }
    const route = routeOf(url, path, page);
    const [routePath = '', query = ''] = route.split(/\?(.*)/s, 2);
    const params = new URLSearchParams(query);
    const routeParts = canonicalPath(routePath);
    const meetup = MEETUP_ROUTE.exec(routeParts);
    if (meetup) return businessTarget(businessOrigin, meetupJoin(meetup[1]!, meetup[2]!, params));
    const meet = MEET_ROUTE.exec(routeParts);
    if (meet) return meetTarget(origin, live, meet[1]!, params);
    const refused = NOT_JOINABLE.find(([re]) => page !== LAUNCHER_PATH && re.test(page))?.[1];
    if (refused !== undefined) throw new MeetingUrlError(`is ${refused}, which joins no meeting (${EXPECTED})`);
    throw new MeetingUrlError(`is not a Microsoft Teams meeting link (${EXPECTED})`);
  },
};
