import { describe, expect, it } from 'vitest';
import type { MeetingTarget } from '../../src/config/botSpec.js';
import { MeetingUrlError, parseMeetingUrl, type MeetingUrlOptions } from '../../src/meetingUrl/parseMeetingUrl.js';

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

/** [input, what the error must say, options]. */
const HOSTILE: [string, string, MeetingUrlOptions?][] = [
  ['javascript:alert(document.cookie)', 'uses the "javascript:" scheme'],
  ['file:///etc/passwd', 'uses the "file:" scheme'],
  ['data:text/html,<script>alert(1)</script>', 'uses the "data:" scheme'],
  ['ftp://zoom.us/j/1', 'uses the "ftp:" scheme'],
  ['http://zoom.us/j/85551234567', 'must use https (got http:)'],
  ['https://127.0.0.1/j/1', 'points at a loopback address (127.0.0.1)'],
  ['http://2130706433/j/1', 'points at a loopback address (127.0.0.1)'],
  ['https://0x7f000001/j/1', 'points at a loopback address (127.0.0.1)'],
  ['https://0177.0.0.1/j/1', 'points at a loopback address (127.0.0.1)'],
  ['https://[::1]/j/1', 'points at a loopback address ([::1])'],
  ['https://localhost/abc-defg-hij', 'points at a loopback address (localhost)'],
  ['https://10.1.2.3/abc-defg-hij', 'points at a private or internal network host (10.1.2.3)'],
  ['https://172.20.0.1/abc-defg-hij', 'points at a private or internal network host (172.20.0.1)'],
  ['https://192.168.0.10/abc-defg-hij', 'points at a private or internal network host (192.168.0.10)'],
  ['https://169.254.169.254/latest/meta-data/', 'points at a cloud metadata address (169.254.169.254)'],
  ['https://[::ffff:169.254.169.254]/', 'points at a cloud metadata address'],
  ['https://[fd00:ec2::254]/latest', 'points at a cloud metadata address'],
  [
    'https://metadata.google.internal/computeMetadata/v1/',
    'points at a cloud metadata address (metadata.google.internal)',
  ],
  ['https://8.8.8.8/j/1', 'uses an IP address'],
  ['https://user:pass@zoom.us/j/1', 'must not contain credentials'],
  ['https://zoom.us@evil.example/j/1', 'must not contain credentials'],
  ['https://zoom.us/j/1https://evil.example/x', 'contains more than one URL'],
  ['https://zoom.us/j/1?next=https%3A%2F%2Fevil.example', 'contains more than one URL'],
  ['https://zoom.us/j/1?next=https%25253A%25252F%25252Fevil.example', 'contains more than one URL'],
  ['https://acme.webex.com/acme/j.php?MTID=m0123456789&go=javascript:alert(1)', 'contains more than one URL'],
  ['https://zoom.us/j/1?pwd=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvcGF0aA', 'contains another URL hidden in base64'],
  ['https://zoom.us.evil.com/j/1', 'host zoom.us.evil.com is not a Zoom host (lookalike)'],
  ['https://evilzoom.us/j/1', 'host evilzoom.us is not a Zoom host (lookalike)'],
  ['https://meet.google.com.evil.com/abc-defg-hij', 'is not a Google Meet host (lookalike); expected meet.google.com'],
  ['https://webex.com.evil.io/meet/jane', 'is not a Webex host (lookalike)'],
  ['https://zооm.us/j/1', 'is an internationalised name'],
  ['https://app.gotomeeting.com/123456789', 'is not a supported meeting platform'],
  [`https://zoom.us/j/${'1'.repeat(3000)}`, 'is too long (3018 characters; at most 2048)'],
  ['https://zoom.us/j/1\nhttps://evil.example', 'contains whitespace or control characters'],
  ['https://zoom.us/j/ 85551234567', 'contains whitespace or control characters'],
  ['https://zoom.us/j/85551234567\u202e', 'contains whitespace or control characters'],
  ['https://zoom.us\\@evil.example/j/1', 'contains a backslash'],
  ['https://meet.google.com:8443/abc-defg-hij', 'must not name a port (got :8443)'],
  ['https://meet.google.com/new', 'is not a Google Meet meeting link'],
  ['https://zoom.us/j/not-a-number', 'is not a Zoom meeting link'],
  ['https://acme.webex.com/acme/j.php', 'without a valid MTID'],
  ['', 'is empty'],
  ['https://zoom.us/j/1', 'is a Zoom link, but the platform was given as google_meet', { platform: 'google_meet' }],
  ['http://127.0.0.1:8080/abc-defg-hij', 'points at a loopback address (127.0.0.1)'],
  ['http://127.0.0.1:8080/abc-defg-hij', 'needs the platform named explicitly', { allowLoopback: true }],
  [
    'http://10.0.0.1:8080/abc-defg-hij',
    'points at a private or internal network host (10.0.0.1)',
    { allowLoopback: true, platform: 'google_meet' },
  ],
  [
    'http://2130706433:8080/abc-defg-hij',
    'points at a loopback address (127.0.0.1)',
    { allowLoopback: true, platform: 'google_meet' },
  ],
  [
    'http://127.0.0.1:8080/not-a-code',
    'is not a Google Meet meeting link',
    { allowLoopback: true, platform: 'google_meet' },
  ],
];

describe('parseMeetingUrl: hostile and wrong input is refused', () => {
  it('covers at least 20 hostile forms', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(20);
  });

  it.each(HOSTILE)('%s', (input, reason, opts) => {
    let error: unknown;
    try {
      parseMeetingUrl(input, opts);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MeetingUrlError);
    expect((error as MeetingUrlError).reason).toContain(reason);
    expect((error as MeetingUrlError).message).toBe(`Invalid meeting URL: ${(error as MeetingUrlError).reason}`);
  });

  it('refuses a non-string with an error, not a crash', () => {
    expect(() => parseMeetingUrl(42 as unknown as string)).toThrow(
      new MeetingUrlError('must be a string (got number)'),
    );
  });
});
