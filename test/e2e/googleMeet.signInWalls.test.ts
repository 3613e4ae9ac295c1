import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingEvent } from '../../fixtures/mock/types.js';
import type { SubCode } from '../../src/lifecycle/codes.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { credentialFile, expectNoSecrets } from '../helpers/signedInBots.js';

// The walls Google and Meet put before a bot (issue 19), each ending the real bot with its own documented
// sub_code within 10 s of the wall showing, with the page kept in failure/ and no secret written anywhere; none
// is tried again. Google's sign-in refusals first, then Meet's walls for a guest.

const { client, startBot } = useMockServer();

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const ADA = { email: 'ada@example.com', password: 'Tr0ub4dor&3 horse', name: 'Ada Lovelace' };
const REC = { email: 'rec@example.com', password: 'rec-pass-9931', name: 'Grace Hopper', challenge: 'recovery_email', recovery_email: 'backup@example.org' } as const;
const TFA = { email: 'tfa@example.com', password: 'tfa-pass-4410', name: 'Katherine Johnson', challenge: 'two_step', totp_secret: SECRET } as const;
const CAP = { email: 'cap@example.com', password: 'cap-pass-7781', name: 'Cap Account', challenge: 'captcha' } as const;
const SIGN_IN_ALWAYS = { google_meet: { login_required: true } };
const WALL_TO_END_MS = 10_000;

interface Wall {
  name: string;
  meeting?: Record<string, unknown>;
  credential?: Record<string, unknown>;
  body?: Record<string, unknown>;
  /** The mock event that shows the wall. */
  shows: (e: MeetingEvent) => boolean;
  sub_code: SubCode;
  /** Text of the wall the failure/ page must hold. */
  page: string;
  secrets?: string[];
  /** The bot's statuses (a knock is `in_waiting_room` before its end). */
  codes?: string[];
}

async function expectWalls(walls: Wall[]): Promise<void> {
  const runs = await Promise.all(
    walls.map(async (w) => {
      const m = await client.createMeeting({ platform: 'google_meet', waiting_room: false, google_accounts: [ADA, REC, TFA, CAP], ...w.meeting });
      const args = w.credential ? ['--credential', credentialFile({ platform: 'google_meet', ...w.credential })] : [];
      const b = startBot({ url: m.join_url, platform: 'google_meet', body: { ...(w.credential ? SIGN_IN_ALWAYS : {}), ...w.body }, args });
      return { w, m, b };
    }),
  );
  for (const { w, m, b } of runs) {
    const fatal = await b.waitForStatus('fatal', 60_000);
    expect(fatal.sub_code, w.name).toBe(w.sub_code);
    expect((await b.exited).code, w.name).toBe(1);
    const view = await client.get(m.id);
    const wall = view.events.find(w.shows);
    expect(wall, `${w.name}: the wall showed`).toBeDefined();
    expect(Date.parse(fatal.created_at) - Date.parse(wall!.at), `${w.name}: ms from the wall to the end`).toBeLessThan(WALL_TO_END_MS);
    expect(b.codes, w.name).toEqual(w.codes ?? ['joining_call', 'fatal']);
    // Not tried again: one sign-in at most, refused at most once.
    for (const type of ['account_identifier', 'account_rejected', 'join']) expect(view.events.filter((e) => e.type === type).length, `${w.name}: ${type}`).toBeLessThanOrEqual(1);
    expectEvidence(b, w);
  }
}

function expectEvidence(b: BotProcess, w: Wall): void {
  const dir = join(b.outDir, 'failure');
  for (const f of ['error.txt', 'screenshot.png', 'page.html']) expect(existsSync(join(dir, f)), `${w.name}: failure/${f}`).toBe(true);
  expect(readFileSync(join(dir, 'page.html'), 'utf8').replace(/[\u2018\u2019]/g, "'"), w.name).toContain(w.page);
  expectNoSecrets(b, w.secrets ?? []);
}

const rejected = (reason: string) => (e: MeetingEvent) => e.type === 'account_rejected' && e.detail?.reason === reason;
const challenged = (kind: string) => (e: MeetingEvent) => e.type === 'account_challenge' && e.detail?.kind === kind;
const status = (s: string) => (e: MeetingEvent) => e.type === `bot_${s}`;

describe('google_meet walls, each its own sub_code', () => {
  it('Google’s sign-in refusals: wrong password, unknown account, Verify it’s you and 2-Step Verification without answers, captcha', () =>
    expectWalls([
      {
        name: 'wrong password',
        credential: { email: ADA.email, password: 'not-the-password-42' },
        shows: rejected('wrong_password'),
        sub_code: 'google_meet_sign_in_failed',
        page: 'Wrong password',
        secrets: ['not-the-password-42'],
      },
      { name: 'unknown account', credential: { email: 'nobody@example.com', password: ADA.password }, shows: rejected('unknown_email'), sub_code: 'google_meet_sign_in_failed', page: "Couldn't find your Google Account", secrets: [ADA.password] },
      {
        name: 'verify it’s you',
        credential: { email: REC.email, password: REC.password },
        shows: challenged('verify_its_you'),
        sub_code: 'google_meet_sign_in_missing_recovery_credentials',
        page: 'Confirm your recovery email',
        secrets: [REC.password],
      },
      { name: '2-Step Verification', credential: { email: TFA.email, password: TFA.password }, shows: challenged('two_step'), sub_code: 'google_meet_sign_in_missing_totp_secret', page: '2-Step Verification', secrets: [TFA.password] },
      { name: 'captcha', credential: { email: CAP.email, password: CAP.password }, shows: challenged('captcha'), sub_code: 'google_meet_sign_in_captcha_failed', page: 'Type the text you hear or see', secrets: [CAP.password] },
    ]));

  it('Meet’s walls: sign-in page and hard block for a guest, blocked, the second queue’s dropped knock, an expired session without a password', () =>
    expectWalls([
      { name: 'sign-in page', meeting: { ui_variant: { meet_guest_wall: 'sign_in' } }, shows: status('sign_in_required'), sub_code: 'meeting_requires_sign_in', page: 'Use your Google Account' },
      {
        name: 'hard block',
        meeting: { ui_variant: { meet_guest_wall: 'hard_block' } },
        shows: status('guest_refused'),
        sub_code: 'meeting_requires_sign_in',
        page: 'No one can join unless invited or admitted by the host',
      },
      { name: 'blocked', meeting: { blocked: true }, shows: status('blocked'), sub_code: 'google_meet_bot_blocked', page: "You can't join this video call" },
      {
        name: 'second queue',
        meeting: { waiting_room: true, ui_variant: { meet_second_queue_drop_ms: 500 } },
        shows: status('dropped'),
        sub_code: 'google_meet_join_request_dropped',
        page: 'Video calls and meetings for everyone',
        codes: ['joining_call', 'in_waiting_room', 'fatal'],
      },
      {
        name: 'expired session',
        credential: {
          storage_state: { cookies: [{ name: 'SID', value: 'expired-session-value-5521', domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] },
        },
        shows: status('prejoin'),
        sub_code: 'google_meet_sign_in_missing_login_credentials',
        page: 'Your name',
        secrets: ['expired-session-value-5521'],
      },
    ]));
});
