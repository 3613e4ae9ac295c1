import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingSpec, MicrosoftAccountSpec } from '../../fixtures/mock/client.js';
import type { AccountCredential } from '../../src/account/credential.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { credentialFile, expectNoSecrets } from '../helpers/signedInBots.js';
import { microsoftAccount, signedInTeamsBot, TOTP_SECRET } from '../helpers/teamsSignIn.js';

// The walls a signed-in Teams bot can meet (issue 19), each a sub_code of its own reached within 10 s of the wall
// showing, with the page in failure/ and the credential's secrets nowhere in the output: Microsoft refusing the
// password or the account, a second factor the credential cannot give (no TOTP secret; security-info registration),
// a captcha on the sign-in, and a tenant that wants guests signed in when the bot has no credential.

const { client, startBot } = useMockServer();
const WALL_TO_END_MS = 10_000;

interface Wall {
  account?: Partial<MicrosoftAccountSpec>;
  /** The credential the bot gets for the account (null: no credential at all). */
  credential: ((a: MicrosoftAccountSpec) => Omit<AccountCredential, 'platform'>) | null;
  meeting?: Partial<MeetingSpec>;
  sub_code: string;
  /** The mock's event when the wall showed: the account's (sign-in), else the meeting's. */
  shown: { account: string } | { meeting: string };
  /** What the failure evidence's page must show. */
  page: string;
}

const password = (a: MicrosoftAccountSpec) => ({ email: a.email, password: a.password });

async function expectWall(wall: Wall): Promise<void> {
  const account = await microsoftAccount(client, wall.account);
  const credential = wall.credential ? { platform: 'microsoft_teams' as const, ...wall.credential(account) } : null;
  const m = await client.createMeeting({ platform: 'microsoft_teams', ...wall.meeting, ui_variant: { teams_redirect_ms: 300, ...wall.meeting?.ui_variant } });
  const b = startBot(signedInTeamsBot(m.join_url, credential ? 'always' : 'only_if_required', credential ? credentialFile(credential) : null));
  const end = await b.waitForStatus('fatal', 60_000);
  expect(end.sub_code).toBe(wall.sub_code);
  expect((await b.exited).code).toBe(1);

  const events = 'account' in wall.shown ? (await client.microsoftAccount(credential?.email ?? account.email)).events : (await client.get(m.id)).events;
  const kind = 'account' in wall.shown ? wall.shown.account : wall.shown.meeting;
  const shown = events.find((e) => e.type === kind);
  expect(shown, `the mock never showed ${kind}`).toBeDefined();
  expect(Date.parse(end.created_at) - Date.parse(shown!.at)).toBeLessThan(WALL_TO_END_MS);

  for (const file of ['error.txt', 'screenshot.png', 'page.html']) expect(existsSync(join(b.outDir, 'failure', file)), file).toBe(true);
  expect(readFileSync(join(b.outDir, 'failure', 'page.html'), 'utf8')).toContain(wall.page);
  expect((await client.get(m.id)).joined_names).toEqual([]);
  expectNoSecrets(b, [account.password, TOTP_SECRET]);
}

describe('microsoft_teams adapter: sign-in walls', () => {
  describe.concurrent('Microsoft refuses the account', () => {
    it('a wrong password ends microsoft_teams_sign_in_failed', () =>
      expectWall({ credential: (a) => ({ email: a.email, password: `${a.password}-old` }), sub_code: 'microsoft_teams_sign_in_failed', shown: { account: 'password_wrong' }, page: 'Your account or password is incorrect' }));
    it('an account the tenant does not have ends microsoft_teams_sign_in_failed', () =>
      expectWall({ credential: (a) => ({ email: `gone.${a.email}`, password: a.password }), sub_code: 'microsoft_teams_sign_in_failed', shown: { account: 'username_unknown' }, page: 'This username may be incorrect' }));
    it('a captcha on the sign-in ends microsoft_teams_captcha_detected', () =>
      expectWall({ account: { captcha: true }, credential: password, sub_code: 'microsoft_teams_captcha_detected', shown: { account: 'captcha_shown' }, page: 'arkoseFrame' }));
  });

  describe.concurrent('a second factor, or no credential', () => {
    it('"Enter code" and a credential without a TOTP secret ends microsoft_teams_2fa_required', () =>
      expectWall({ account: { mfa: 'totp', totp_secret: TOTP_SECRET }, credential: password, sub_code: 'microsoft_teams_2fa_required', shown: { account: 'totp_shown' }, page: 'idTxtBx_SAOTCC_OTC' }));
    it('"More information required" (security info to register) ends microsoft_teams_2fa_required, even with a TOTP secret', () =>
      expectWall({
        account: { mfa: 'register' },
        credential: (a) => ({ ...password(a), totp_secret: TOTP_SECRET }),
        sub_code: 'microsoft_teams_2fa_required',
        shown: { account: 'proofup_shown' },
        page: 'More information required',
      }));
    it('a tenant that sends guests to sign in, and no credential, ends microsoft_teams_sign_in_credentials_missing', () =>
      expectWall({ credential: null, meeting: { ui_variant: { teams_gate: 'sign_in_redirect' } }, sub_code: 'microsoft_teams_sign_in_credentials_missing', shown: { meeting: 'sign_in_redirect' }, page: 'loginfmt' }));
  });
});
