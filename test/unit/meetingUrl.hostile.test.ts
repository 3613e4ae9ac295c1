import { describe, expect, it } from 'vitest';
import { MeetingUrlError, parseMeetingUrl, type MeetingUrlOptions } from '../../src/meetingUrl/parseMeetingUrl.js';
import { expectRefused } from '../helpers/meetingUrlChecks.js';

// Links that must be refused, each with the reason its error names (the accepted forms: meetingUrl.test.ts).

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

  it.each(HOSTILE)('%s', expectRefused);

  it('refuses a non-string with an error, not a crash', () => {
    expect(() => parseMeetingUrl(42 as unknown as string)).toThrow(
      new MeetingUrlError('must be a string (got number)'),
    );
  });
});
