import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { MeetingTarget } from '../../src/config/botSpec.js';
import { parseMeetingUrl, type MeetingUrlOptions } from '../../src/meetingUrl/parseMeetingUrl.js';
import { expectRefused } from '../helpers/meetingUrlChecks.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ORGANIZER = '0d1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const THREAD = '19:meeting_ZjQ0YTBlNGUtYjU0Mi00NmI4LWE0MTYtNGJlYTFkODljNGY1@thread.v2';
/** The thread as invites write it, and the context as they encode it. */
const THREAD_IN_LINK = '19%3ameeting_ZjQ0YTBlNGUtYjU0Mi00NmI4LWE0MTYtNGJlYTFkODljNGY1%40thread.v2';
const CONTEXT_IN_LINK = `%7b%22Tid%22%3a%22${TENANT}%22%2c%22Oid%22%3a%22${ORGANIZER}%22%7d`;
const CLASSIC = `https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/0?context=${CONTEXT_IN_LINK}`;
const CANONICAL = `https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/0?context={"Tid":"${TENANT}","Oid":"${ORGANIZER}"}`;
const CHANNEL = '19:0123456789abcdef0123456789abcdef@thread.tacv2';

function business(
  original: string,
  joinUrl: string,
  m: { thread?: string; message?: string; organizer?: string | null } = {},
): MeetingTarget {
  const thread = m.thread ?? THREAD;
  const organizer = m.organizer === undefined ? ORGANIZER : m.organizer;
  return {
    platform: 'microsoft_teams',
    join_url: joinUrl,
    original_url: original,
    meeting_id: thread,
    password: null,
    recall_shape: {
      meeting_id: thread,
      thread_id: thread,
      message_id: m.message ?? '0',
      tenant_id: TENANT,
      organizer_id: organizer,
      business_meeting_id: null,
      platform: 'microsoft_teams',
    },
  };
}

function short(original: string, joinUrl: string, id: string, passcode: string | null, live = false): MeetingTarget {
  return {
    platform: 'microsoft_teams',
    join_url: joinUrl,
    original_url: original,
    meeting_id: id,
    password: passcode,
    recall_shape: {
      meeting_id: id,
      thread_id: null,
      message_id: null,
      tenant_id: null,
      organizer_id: null,
      business_meeting_id: live ? null : id,
      platform: live ? 'microsoft_teams_live' : 'microsoft_teams',
    },
  };
}

const coords = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64');
const COORDS = coords({ conversationId: THREAD, tenantId: TENANT, organizerId: ORGANIZER, messageId: '0' });
const LIGHT = `https://teams.microsoft.com/light-meetings/launch?agent=web&version=25010100000&coords=${encodeURIComponent(COORDS)}&deeplinkId=x`;
const LAUNCHER = `https://teams.microsoft.com/dl/launcher/launcher.html?url=/_#/l/meetup-join/${THREAD_IN_LINK}/0?context=${CONTEXT_IN_LINK}&type=meetup-join&deeplinkId=abc&directDl=true&msLaunch=true&enableMobilePage=true&suppressPrompt=true`;
const LAUNCHER_ENCODED = `https://teams.microsoft.com/dl/launcher/launcher.html?url=${encodeURIComponent(encodeURIComponent(`/_#/l/meetup-join/${THREAD}/0?context={"Tid":"${TENANT}"}`))}&type=meetup-join`;
const V2 = `https://teams.microsoft.com/v2/?meetingjoin=true#/l/meetup-join/${THREAD_IN_LINK}/0?context=${CONTEXT_IN_LINK}&anon=true`;
const SAFELINK = `https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent(CLASSIC)}&data=05%7C02%7Cjane%40acme.com%7C&sdata=AbCdEf%3D&reserved=0`;
const TEAMS_SAFELINK = `https://statics.teams.cdn.office.net/evergreen-assets/safelinks/1/atp-safelinks.html?url=${encodeURIComponent('https://teams.live.com/meet/9398850880426?p=RQNsPVDH')}&locale=en-us`;

/** [input, expected target, options]; the original_url is the input trimmed. */
const VALID: [string, MeetingTarget, MeetingUrlOptions?][] = [
  [CLASSIC, business(CLASSIC, CANONICAL)],
  [`${CLASSIC}&pp=PRESENTERtoken123`, business(`${CLASSIC}&pp=PRESENTERtoken123`, CANONICAL)],
  [
    `https://teams.microsoft.com/l/meetup-join/${THREAD}/0?context={"Tid":"${TENANT}"}`,
    business(
      `https://teams.microsoft.com/l/meetup-join/${THREAD}/0?context={"Tid":"${TENANT}"}`,
      `https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/0?context={"Tid":"${TENANT}"}`,
      { organizer: null },
    ),
  ],
  [
    `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(CHANNEL)}/1718035200123?context=${CONTEXT_IN_LINK}`,
    business(
      `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(CHANNEL)}/1718035200123?context=${CONTEXT_IN_LINK}`,
      `https://teams.microsoft.com/l/meetup-join/19%3a0123456789abcdef0123456789abcdef%40thread.tacv2/1718035200123?context={"Tid":"${TENANT}","Oid":"${ORGANIZER}"}`,
      { thread: CHANNEL, message: '1718035200123' },
    ),
  ],
  [
    'https://teams.microsoft.com/meet/27101570297097?p=AbC123xyz',
    short('https://teams.microsoft.com/meet/27101570297097?p=AbC123xyz', 'https://teams.microsoft.com/meet/27101570297097?p=AbC123xyz', '27101570297097', 'AbC123xyz'),
  ],
  [
    'https://teams.microsoft.com/meet/2710157029?anon=true',
    short('https://teams.microsoft.com/meet/2710157029?anon=true', 'https://teams.microsoft.com/meet/2710157029', '2710157029', null),
  ],
  [
    'https://teams.live.com/meet/9398850880426?p=RQNsPVDH',
    short('https://teams.live.com/meet/9398850880426?p=RQNsPVDH', 'https://teams.live.com/meet/9398850880426?p=RQNsPVDH', '9398850880426', 'RQNsPVDH', true),
  ],
  [V2, business(V2, CANONICAL)],
  [
    'https://teams.microsoft.com/v2/?meetingjoin=true#/meet/27101570297097?p=AbC123&anon=true&deeplinkId=9f1c',
    short('https://teams.microsoft.com/v2/?meetingjoin=true#/meet/27101570297097?p=AbC123&anon=true&deeplinkId=9f1c', 'https://teams.microsoft.com/meet/27101570297097?p=AbC123', '27101570297097', 'AbC123'),
  ],
  [LAUNCHER, business(LAUNCHER, CANONICAL)],
  [
    LAUNCHER_ENCODED,
    business(LAUNCHER_ENCODED, `https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/0?context={"Tid":"${TENANT}"}`, { organizer: null }),
  ],
  [
    'https://teams.live.com/dl/launcher/launcher.html?url=/_#/meet/9398850880426?p=RQNsPVDH&anon=true&type=meet&deeplinkId=x&directDl=true&msLaunch=true&enableMobilePage=true',
    short(
      'https://teams.live.com/dl/launcher/launcher.html?url=/_#/meet/9398850880426?p=RQNsPVDH&anon=true&type=meet&deeplinkId=x&directDl=true&msLaunch=true&enableMobilePage=true',
      'https://teams.live.com/meet/9398850880426?p=RQNsPVDH',
      '9398850880426',
      'RQNsPVDH',
      true,
    ),
  ],
  [LIGHT, business(LIGHT, CANONICAL)],
  [
    `https://teams.microsoft.com/light-meetings/launch?coords=${coords({ conversationId: THREAD, tenantId: TENANT })}`,
    business(
      `https://teams.microsoft.com/light-meetings/launch?coords=${coords({ conversationId: THREAD, tenantId: TENANT })}`,
      `https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/0?context={"Tid":"${TENANT}"}`,
      { organizer: null },
    ),
  ],
  // Consumer meetup-join links open on the business host (as Attendee does).
  [CLASSIC.replace('teams.microsoft.com', 'teams.live.com'), business(CLASSIC.replace('teams.microsoft.com', 'teams.live.com'), CANONICAL)],
  // Government clouds and the renamed host keep their host.
  ...['gov.teams.microsoft.us', 'dod.teams.microsoft.us', 'teams.microsoft.us', 'teams.cloud.microsoft'].map(
    (host): [string, MeetingTarget] => [
      CLASSIC.replace('teams.microsoft.com', host),
      business(CLASSIC.replace('teams.microsoft.com', host), CANONICAL.replace('teams.microsoft.com', host)),
    ],
  ),
  // Thread and context encoded three times over.
  [
    `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(encodeURIComponent(THREAD_IN_LINK))}/0?context=${encodeURIComponent(encodeURIComponent(CONTEXT_IN_LINK))}`,
    business(
      `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(encodeURIComponent(THREAD_IN_LINK))}/0?context=${encodeURIComponent(encodeURIComponent(CONTEXT_IN_LINK))}`,
      CANONICAL,
    ),
  ],
  [`<${CLASSIC}>`, business(CLASSIC, CANONICAL)],
  ['https://TEAMS.MICROSOFT.COM./meet/27101570297097/', short('https://TEAMS.MICROSOFT.COM./meet/27101570297097/', 'https://teams.microsoft.com/meet/27101570297097', '27101570297097', null)],
  // Safe Links wrappers: the wrapper is kept as the original, the Teams link inside is joined.
  [SAFELINK, business(SAFELINK, CANONICAL)],
  [TEAMS_SAFELINK, short(TEAMS_SAFELINK, 'https://teams.live.com/meet/9398850880426?p=RQNsPVDH', '9398850880426', 'RQNsPVDH', true)],
  [CLASSIC, business(CLASSIC, CANONICAL), { platform: 'microsoft_teams' }],
  // Operator switch: a loopback mock keeps its origin, with the same path rules.
  [
    `http://127.0.0.1:9003/l/meetup-join/${THREAD_IN_LINK}/0?context=${CONTEXT_IN_LINK}`,
    business(`http://127.0.0.1:9003/l/meetup-join/${THREAD_IN_LINK}/0?context=${CONTEXT_IN_LINK}`, CANONICAL.replace('https://teams.microsoft.com', 'http://127.0.0.1:9003')),
    { allowLoopback: true, platform: 'microsoft_teams' },
  ],
  [
    'http://localhost:9003/v2/#/meet/27101570297097?p=Pass1',
    short('http://localhost:9003/v2/#/meet/27101570297097?p=Pass1', 'http://localhost:9003/meet/27101570297097?p=Pass1', '27101570297097', 'Pass1'),
    { allowLoopback: true, platform: 'microsoft_teams' },
  ],
];

describe('parseMeetingUrl: Microsoft Teams forms', () => {
  it.each(VALID)('%s', (input, expected, opts) => {
    expect(parseMeetingUrl(input, opts)).toEqual(expected);
  });

  it('never puts the passcode in the Recall shape', () => {
    const target = parseMeetingUrl('https://teams.microsoft.com/meet/27101570297097?p=Secret123');
    expect(target.password).toBe('Secret123');
    expect(JSON.stringify(target.recall_shape)).not.toContain('Secret123');
  });
});

const EXPECTED = 'expected teams.microsoft.com/l/meetup-join/';

/** [input, what the error must say, options]. */
const REFUSED: [string, string, MeetingUrlOptions?][] = [
  ['https://teams.microsoft.com/meetingoptions/?organizerId=x&threadId=y', `is the meeting options page, which joins no meeting (${EXPECTED}`],
  ['https://teams.microsoft.com/dl/other/page.html', 'is a /dl/ deep link other than the meeting launcher, which joins no meeting'],
  ['https://teams.microsoft.com/usp/pstnconferencing', 'is a /usp/ page, which joins no meeting'],
  ['https://teams.microsoft.com/', `is not a Microsoft Teams meeting link (${EXPECTED}`],
  ['https://teams.microsoft.com/l/meetup-join/19%3ameeting', 'is not a Microsoft Teams meeting link'],
  ['https://teams.microsoft.com/dl/launcher/launcher.html?type=meetup-join', 'is not a Microsoft Teams meeting link'],
  ['https://teams.microsoft.com/v2/?meetingjoin=true', 'is not a Microsoft Teams meeting link'],
  [`https://teams.microsoft.com/l/meetup-join/not-a-thread/0?context=${CONTEXT_IN_LINK}`, 'invalid thread id (expected 19:<id>@thread.v2'],
  [`https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/abc?context=${CONTEXT_IN_LINK}`, 'invalid message id (expected digits)'],
  [`https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/0`, 'without a valid context (expected context={"Tid":"<tenant id>"'],
  [`https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/0?context={"Oid":"${ORGANIZER}"}`, 'without a valid context'],
  [`https://teams.microsoft.com/l/meetup-join/${THREAD_IN_LINK}/0?context={"Tid":"a%2Cb%3Cscript%3E"}`, 'without a valid context'],
  ['https://teams.microsoft.com/meet/123?p=abc', 'invalid meeting id (expected 10 to 15 digits)'],
  ['https://teams.microsoft.com/meet/27101570297097?p=a%22b', 'passcode p= is not 1 to 64 letters and digits'],
  ['https://teams.microsoft.com/light-meetings/launch?agent=web', 'light-meetings link without valid coords'],
  [`https://teams.microsoft.com/light-meetings/launch?coords=${coords({ conversationId: 'x', tenantId: TENANT })}`, 'without valid coords'],
  ['https://teams.microsoft.com.evil.com/l/meetup-join/x', 'host teams.microsoft.com.evil.com is not a Microsoft Teams host (lookalike)'],
  ['https://teams-microsoft.com/meet/27101570297097', 'host teams-microsoft.com is not a Microsoft Teams host (lookalike)'],
  ['https://teams.live.com.evil.io/meet/27101570297097', 'is not a Microsoft Teams host (lookalike)'],
  ['https://evil.teams.microsoft.com/meet/27101570297097', 'is not a Microsoft Teams host (lookalike)'],
  ['http://teams.microsoft.com/meet/27101570297097', 'must use https (got http:)'],
  ['https://teams.microsoft.com:8443/meet/27101570297097', 'must not name a port (got :8443)'],
  ['https://jane@teams.microsoft.com/meet/27101570297097', 'must not contain credentials'],
  ['https://52.113.194.132/meet/27101570297097', 'uses an IP address'],
  [`${CLASSIC}&next=https%3A%2F%2Fevil.example`, 'contains more than one URL'],
  ['https://teams.microsoft.com/meet/27101570297097', 'is a Microsoft Teams link, but the platform was given as zoom', { platform: 'zoom' }],
  ['http://127.0.0.1:9003/meet/12', 'invalid meeting id', { allowLoopback: true, platform: 'microsoft_teams' }],
  // Safe Links: the wrapper's own second URL is expected; the link inside goes through every rule.
  [
    `https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://zoom.us/j/85551234567')}`,
    'the link inside the Safe Links wrapper: is a Zoom link; only Microsoft Teams links are unwrapped',
  ],
  [
    `https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://evil.example/x')}`,
    'the link inside the Safe Links wrapper: host evil.example is not a supported meeting platform',
  ],
  [
    `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://169.254.169.254/latest')}`,
    'the link inside the Safe Links wrapper: points at a cloud metadata address',
  ],
  [
    `https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent(`${CLASSIC}&x=https://evil.example`)}`,
    'the link inside the Safe Links wrapper: contains more than one URL',
  ],
  [`https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent(SAFELINK)}`, 'is a Safe Links wrapper inside another one'],
  ['https://nam02.safelinks.protection.outlook.com/?data=x', 'is a Safe Links wrapper without the url= it protects'],
  [`http://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent(CLASSIC)}`, 'must use https (got http:)'],
  [`https://statics.teams.cdn.office.net/other.html?url=${encodeURIComponent(CLASSIC)}`, 'is not a Teams Safe Links link'],
  [`https://safelinks.protection.outlook.com.evil.io/?url=${encodeURIComponent(CLASSIC)}`, 'contains more than one URL'],
];

describe('parseMeetingUrl: Microsoft Teams refusals', () => {
  it.each(REFUSED)('%s', expectRefused);
});
