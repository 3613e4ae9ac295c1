import { describe, expect, it } from 'vitest';
import type { MeetingTarget } from '../../src/config/botSpec.js';
import { parseMeetingUrl, type MeetingUrlOptions } from '../../src/meetingUrl/parseMeetingUrl.js';

const MTID = 'm0123456789abcdef0123456789abcdef';

function meet(original: string, code: string, joinUrl = `https://meet.google.com/${code}?hl=en`): MeetingTarget {
  return {
    platform: 'google_meet',
    join_url: joinUrl,
    original_url: original,
    meeting_id: code,
    password: null,
    recall_shape: { meeting_id: code, platform: 'google_meet' },
  };
}

function zoom(original: string, id: string, joinUrl: string, password: string | null): MeetingTarget {
  return {
    platform: 'zoom',
    join_url: joinUrl,
    original_url: original,
    meeting_id: id,
    password,
    recall_shape: { meeting_id: id, platform: 'zoom' },
  };
}

function webex(
  original: string,
  id: string,
  joinUrl: string,
  shape: { subdomain: string; mtid: string | null; path: string },
): MeetingTarget {
  return {
    platform: 'webex',
    join_url: joinUrl,
    original_url: original,
    meeting_id: id,
    password: null,
    recall_shape: {
      meeting_subdomain: shape.subdomain,
      meeting_mtid: shape.mtid,
      meeting_path: shape.path,
      platform: 'webex',
    },
  };
}

/** [input, expected target, options]; the original_url is the input trimmed. */
const VALID: [string, MeetingTarget, MeetingUrlOptions?][] = [
  // Google Meet
  ['https://meet.google.com/abc-defg-hij', meet('https://meet.google.com/abc-defg-hij', 'abc-defg-hij')],
  ['https://meet.google.com/abc-defg-hij?hl=de', meet('https://meet.google.com/abc-defg-hij?hl=de', 'abc-defg-hij')],
  [
    'https://meet.google.com/kyt-mnbv-zxq?authuser=1&pli=1',
    meet('https://meet.google.com/kyt-mnbv-zxq?authuser=1&pli=1', 'kyt-mnbv-zxq'),
  ],
  ['meet.google.com/abc-defg-hij', meet('meet.google.com/abc-defg-hij', 'abc-defg-hij')],
  ['  https://meet.google.com/abc-defg-hij>  ', meet('https://meet.google.com/abc-defg-hij', 'abc-defg-hij')],
  ['<https://meet.google.com/abc-defg-hij>', meet('https://meet.google.com/abc-defg-hij', 'abc-defg-hij')],
  ['https://meet.google.com/ABC-DEFG-HIJ', meet('https://meet.google.com/ABC-DEFG-HIJ', 'abc-defg-hij')],
  ['https://meet.google.com/abc-defg-hij/', meet('https://meet.google.com/abc-defg-hij/', 'abc-defg-hij')],
  [
    'HTTPS://MEET.GOOGLE.COM/abc-defg-hij#details',
    meet('HTTPS://MEET.GOOGLE.COM/abc-defg-hij#details', 'abc-defg-hij'),
  ],
  ['https://meet.google.com./abc-defg-hij', meet('https://meet.google.com./abc-defg-hij', 'abc-defg-hij')],
  [
    'https://meet.google.com/lookup/weekly-sync?authuser=0',
    meet(
      'https://meet.google.com/lookup/weekly-sync?authuser=0',
      'weekly-sync',
      'https://meet.google.com/lookup/weekly-sync?hl=en',
    ),
  ],
  // Zoom
  [
    'https://zoom.us/j/85551234567?pwd=AbC123.1',
    zoom(
      'https://zoom.us/j/85551234567?pwd=AbC123.1',
      '85551234567',
      'https://app.zoom.us/wc/85551234567/join?pwd=AbC123.1',
      'AbC123.1',
    ),
  ],
  [
    'https://zoom.us/j/123?pwd=456',
    zoom('https://zoom.us/j/123?pwd=456', '123', 'https://app.zoom.us/wc/123/join?pwd=456', '456'),
  ],
  [
    'zoom.us/j/85551234567',
    zoom('zoom.us/j/85551234567', '85551234567', 'https://app.zoom.us/wc/85551234567/join', null),
  ],
  [
    'https://us02web.zoom.us/j/85551234567?pwd=aBcDeFgHiJkLmNoPqRsTuVwXyZ.1',
    zoom(
      'https://us02web.zoom.us/j/85551234567?pwd=aBcDeFgHiJkLmNoPqRsTuVwXyZ.1',
      '85551234567',
      'https://us02web.zoom.us/wc/85551234567/join?pwd=aBcDeFgHiJkLmNoPqRsTuVwXyZ.1',
      'aBcDeFgHiJkLmNoPqRsTuVwXyZ.1',
    ),
  ],
  [
    'https://acme.zoom.us/j/85551234567?pwd=xyz&from=addon',
    zoom(
      'https://acme.zoom.us/j/85551234567?pwd=xyz&from=addon',
      '85551234567',
      'https://acme.zoom.us/wc/85551234567/join?pwd=xyz',
      'xyz',
    ),
  ],
  [
    'https://zoom.com/j/85551234567',
    zoom('https://zoom.com/j/85551234567', '85551234567', 'https://app.zoom.us/wc/85551234567/join', null),
  ],
  [
    'https://acme.zoom.com/j/85551234567?pwd=q1',
    zoom(
      'https://acme.zoom.com/j/85551234567?pwd=q1',
      '85551234567',
      'https://acme.zoom.us/wc/85551234567/join?pwd=q1',
      'q1',
    ),
  ],
  [
    'https://www.zoom.us/j/85551234567',
    zoom('https://www.zoom.us/j/85551234567', '85551234567', 'https://app.zoom.us/wc/85551234567/join', null),
  ],
  [
    'https://zoom.us/s/85551234567?pwd=x9',
    zoom('https://zoom.us/s/85551234567?pwd=x9', '85551234567', 'https://app.zoom.us/wc/85551234567/join?pwd=x9', 'x9'),
  ],
  [
    'https://zoom.us/wc/join/85551234567?pwd=x9',
    zoom(
      'https://zoom.us/wc/join/85551234567?pwd=x9',
      '85551234567',
      'https://app.zoom.us/wc/85551234567/join?pwd=x9',
      'x9',
    ),
  ],
  [
    'https://app.zoom.us/wc/85551234567/join?fromPWA=1&pwd=x9',
    zoom(
      'https://app.zoom.us/wc/85551234567/join?fromPWA=1&pwd=x9',
      '85551234567',
      'https://app.zoom.us/wc/85551234567/join?pwd=x9',
      'x9',
    ),
  ],
  [
    'https://zoom.us/j/85551234567?pwd=abc-def!',
    zoom(
      'https://zoom.us/j/85551234567?pwd=abc-def!',
      '85551234567',
      'https://app.zoom.us/wc/85551234567/join?pwd=abc',
      'abc',
    ),
  ],
  [
    'https://zoom.us/j/85551234567?tk=AbC_def-123.xyz&pwd=p1&uname=Bot',
    zoom(
      'https://zoom.us/j/85551234567?tk=AbC_def-123.xyz&pwd=p1&uname=Bot',
      '85551234567',
      'https://app.zoom.us/wc/85551234567/join?pwd=p1&tk=AbC_def-123.xyz',
      'p1',
    ),
  ],
  [
    'https://zoom.us//j//85551234567/',
    zoom('https://zoom.us//j//85551234567/', '85551234567', 'https://app.zoom.us/wc/85551234567/join', null),
  ],
  [
    'https://zoom.us/j/85551234567?pwd=',
    zoom('https://zoom.us/j/85551234567?pwd=', '85551234567', 'https://app.zoom.us/wc/85551234567/join', null),
  ],
  [
    'https://zoom.us/my/jane.doe?pwd=abc',
    zoom('https://zoom.us/my/jane.doe?pwd=abc', 'jane.doe', 'https://zoom.us/my/jane.doe?pwd=abc', 'abc'),
  ],
  [
    'https://acme.zoom.us/my/sales-team',
    zoom('https://acme.zoom.us/my/sales-team', 'sales-team', 'https://acme.zoom.us/my/sales-team', null),
  ],
  // Webex
  [
    `https://acme.webex.com/acme/j.php?MTID=${MTID}`,
    webex(`https://acme.webex.com/acme/j.php?MTID=${MTID}`, MTID, `https://acme.webex.com/acme/j.php?MTID=${MTID}`, {
      subdomain: 'acme',
      mtid: MTID,
      path: 'acme',
    }),
  ],
  [
    `https://acme.webex.com/acme-en/j.php?MTID=${MTID}`,
    webex(
      `https://acme.webex.com/acme-en/j.php?MTID=${MTID}`,
      MTID,
      `https://acme.webex.com/acme-en/j.php?MTID=${MTID}`,
      { subdomain: 'acme', mtid: MTID, path: 'acme-en' },
    ),
  ],
  [
    'https://acme.webex.com/acme/e.php?MTID=e0123456789abcdef0123456789abcdef',
    webex(
      'https://acme.webex.com/acme/e.php?MTID=e0123456789abcdef0123456789abcdef',
      'e0123456789abcdef0123456789abcdef',
      'https://acme.webex.com/acme/e.php?MTID=e0123456789abcdef0123456789abcdef',
      {
        subdomain: 'acme',
        mtid: 'e0123456789abcdef0123456789abcdef',
        path: 'acme',
      },
    ),
  ],
  [
    'https://acme.webex.com/meet/jane.doe',
    webex('https://acme.webex.com/meet/jane.doe', 'jane.doe', 'https://acme.webex.com/meet/jane.doe', {
      subdomain: 'acme',
      mtid: null,
      path: 'meet/jane.doe',
    }),
  ],
  [
    `https://acme.my.webex.com/acme.my/j.php?MTID=${MTID}`,
    webex(
      `https://acme.my.webex.com/acme.my/j.php?MTID=${MTID}`,
      MTID,
      `https://acme.my.webex.com/acme.my/j.php?MTID=${MTID}`,
      { subdomain: 'acme.my', mtid: MTID, path: 'acme.my' },
    ),
  ],
  [
    `https://meetingsamer31.webex.com/meetingsamer31/j.php?MTID=${MTID}#top`,
    webex(
      `https://meetingsamer31.webex.com/meetingsamer31/j.php?MTID=${MTID}#top`,
      MTID,
      `https://meetingsamer31.webex.com/meetingsamer31/j.php?MTID=${MTID}`,
      {
        subdomain: 'meetingsamer31',
        mtid: MTID,
        path: 'meetingsamer31',
      },
    ),
  ],
  // A real host with the expected platform named.
  [
    'https://zoom.us/j/85551234567',
    zoom('https://zoom.us/j/85551234567', '85551234567', 'https://app.zoom.us/wc/85551234567/join', null),
    { platform: 'zoom' },
  ],
  // Operator switch: loopback mock meetings, parsed with the named platform's rules.
  [
    'http://127.0.0.1:8080/abc-defg-hij',
    meet('http://127.0.0.1:8080/abc-defg-hij', 'abc-defg-hij', 'http://127.0.0.1:8080/abc-defg-hij?hl=en'),
    { allowLoopback: true, platform: 'google_meet' },
  ],
  [
    'http://localhost:9001/j/85551234567?pwd=abc',
    zoom(
      'http://localhost:9001/j/85551234567?pwd=abc',
      '85551234567',
      'http://localhost:9001/wc/85551234567/join?pwd=abc',
      'abc',
    ),
    { allowLoopback: true, platform: 'zoom' },
  ],
  [
    'http://127.0.0.1:9001/wc/join/85551234567?pwd=abc',
    zoom(
      'http://127.0.0.1:9001/wc/join/85551234567?pwd=abc',
      '85551234567',
      'http://127.0.0.1:9001/wc/85551234567/join?pwd=abc',
      'abc',
    ),
    { allowLoopback: true, platform: 'zoom' },
  ],
  [
    'http://127.0.0.1:9001/wc/85551234567/join?pwd=abc',
    zoom(
      'http://127.0.0.1:9001/wc/85551234567/join?pwd=abc',
      '85551234567',
      'http://127.0.0.1:9001/wc/85551234567/join?pwd=abc',
      'abc',
    ),
    { allowLoopback: true, platform: 'zoom' },
  ],
  [
    `http://127.0.0.1:9002/acme/j.php?MTID=${MTID}`,
    webex(`http://127.0.0.1:9002/acme/j.php?MTID=${MTID}`, MTID, `http://127.0.0.1:9002/acme/j.php?MTID=${MTID}`, {
      subdomain: '127.0.0.1',
      mtid: MTID,
      path: 'acme',
    }),
    { allowLoopback: true, platform: 'webex' },
  ],
  [
    'http://localhost:9002/meet/jane',
    webex('http://localhost:9002/meet/jane', 'jane', 'http://localhost:9002/meet/jane', {
      subdomain: 'localhost',
      mtid: null,
      path: 'meet/jane',
    }),
    { allowLoopback: true, platform: 'webex' },
  ],
];

describe('parseMeetingUrl: real-world forms', () => {
  it('covers at least 30 forms', () => {
    expect(VALID.length).toBeGreaterThanOrEqual(30);
  });

  it.each(VALID)('%s', (input, expected, opts) => {
    expect(parseMeetingUrl(input, opts)).toEqual(expected);
  });

  it('never puts the passcode in the Recall shape', () => {
    const target = parseMeetingUrl('https://zoom.us/j/85551234567?pwd=Secret123');
    expect(JSON.stringify(target.recall_shape)).not.toContain('Secret123');
  });
});
