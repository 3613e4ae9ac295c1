import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sessionChanged } from '../../src/account/browserSession.js';
import { credentialSecrets, CredentialError, parseCredential, type AccountCredential, type StorageState } from '../../src/account/credential.js';
import { totpCode, totpMatches } from '../../src/account/totp.js';
import { BotAccount, credentialSink } from '../../src/session/botAccount.js';
import { silentLogger } from '../../src/util/log.js';
import { runCliCapturing } from '../helpers/cliRun.js';
import { fakeSpec } from '../helpers/fakeSession.js';

const PASSWORD = 'correct horse battery staple';
const COOKIE = 'g.a000-session-cookie-value-8f2c';

function state(value: string, expires = 2_000_000_000): StorageState {
  return {
    cookies: [{ name: 'SID', value, domain: '.google.com', path: '/', expires, httpOnly: true, secure: true, sameSite: 'Lax' }],
    origins: [{ origin: 'https://meet.google.com', localStorage: [{ name: 'pref', value: 'x' }] }],
  };
}

describe('account credentials', () => {
  it('take a saved session, a password with its email, or both', () => {
    expect(parseCredential({ platform: 'google_meet', storage_state: state(COOKIE) }, 'f').storage_state?.cookies).toHaveLength(1);
    const both = parseCredential({ platform: 'microsoft_teams', email: 'bot@acme.example', password: PASSWORD, totp_secret: 'jbsw y3dp ehpk 3pxp', storage_state: state(COOKIE) }, 'f');
    expect(both.totp_secret).toBe('JBSWY3DPEHPK3PXP');
  });

  it.each([
    ['nothing to sign in with', { platform: 'google_meet', email: 'a@b.example' }, 'f: (credential): needs a password (with its email) or a storage_state'],
    ['a password without its email', { platform: 'google_meet', password: PASSWORD }, 'f: email: a password needs its email'],
    ['another platform', { platform: 'zoom', password: PASSWORD, email: 'a@b.example' }, 'f: platform:'],
    ['an unknown field', { platform: 'google_meet', password: PASSWORD, email: 'a@b.example', pin: '1234' }, 'f: (credential): Unrecognized key: "pin"'],
    ['a TOTP secret that is not base32', { platform: 'google_meet', password: PASSWORD, email: 'a@b.example', totp_secret: 'not-base-32-at-all!' }, 'f: totp_secret:'],
    ['a cookie without its domain', { platform: 'google_meet', storage_state: { cookies: [{ name: 'SID', value: COOKIE }], origins: [] } }, 'f: storage_state.cookies.0.domain:'],
  ])('refuse %s, naming the field and never a value', (_case, json, message) => {
    let error: unknown;
    try {
      parseCredential(json, 'f');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain(PASSWORD);
    expect((error as Error).message).not.toContain(COOKIE);
  });

  it('list their secrets for the redaction: password, TOTP secret, session cookies (not short values)', () => {
    const c = parseCredential({ platform: 'google_meet', email: 'a@b.example', password: PASSWORD, totp_secret: 'JBSWY3DPEHPK3PXP', storage_state: state(COOKIE) }, 'f');
    expect(credentialSecrets(c)).toEqual(expect.arrayContaining([PASSWORD, encodeURIComponent(PASSWORD), 'JBSWY3DPEHPK3PXP', COOKIE]));
    expect(credentialSecrets(c)).not.toContain('x');
  });

  it('TOTP codes follow RFC 6238 (its SHA-1 test vector at 59 s) and accept a neighbouring window', () => {
    const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890"
    expect(totpCode(rfcSecret, 59_000)).toBe('287082');
    expect(totpMatches(rfcSecret, '287082', 59_000 + 30_000)).toBe(true);
    expect(totpMatches(rfcSecret, '287082', 59_000 + 120_000)).toBe(false);
  });

  it('a session counts as rotated when a cookie value or local storage changes, not an expiry date', () => {
    expect(sessionChanged(state(COOKIE), state(COOKIE, 2_100_000_000))).toBe(false);
    expect(sessionChanged(state(COOKIE), state(`${COOKIE}-rotated`))).toBe(true);
    expect(sessionChanged(undefined, state(COOKIE))).toBe(true);
  });
});

/** What BotAccount uses of a browser context: the cookies it was given and the state it shows now. */
function fakeContext(current: () => StorageState): BrowserContext & { added: unknown[] } {
  const added: unknown[] = [];
  return {
    added,
    addCookies: (cookies: unknown[]) => Promise.resolve(void added.push(...cookies)),
    addInitScript: () => Promise.resolve(),
    cookies: () => Promise.resolve(current().cookies),
    pages: () => [],
  } as unknown as BrowserContext & { added: unknown[] };
}

describe('BotAccount', () => {
  const meet = (sign_in: { mode: 'always' | 'only_if_required'; group: null } | null) => ({ ...fakeSpec(), sign_in });
  const credential: AccountCredential = parseCredential({ platform: 'google_meet', email: 'bot@acme.example', password: PASSWORD, storage_state: state(COOKIE) }, 'f');

  it('ends a bot told to sign in always with no credential for its platform, before anything starts', () => {
    const teamsCredential = { ...credential, platform: 'microsoft_teams' as const };
    expect(new BotAccount(meet({ mode: 'always', group: null }), null, credentialSink(null, null), silentLogger).startFailure()?.outcome).toEqual({
      status: 'fatal',
      sub_code: 'google_meet_sign_in_missing_login_credentials',
    });
    expect(new BotAccount(meet({ mode: 'always', group: null }), teamsCredential, credentialSink(null, null), silentLogger).startFailure()).not.toBeNull();
    expect(new BotAccount(meet({ mode: 'only_if_required', group: null }), null, credentialSink(null, null), silentLogger).startFailure()).toBeNull();
    expect(new BotAccount(meet(null), null, credentialSink(null, null), silentLogger).access()).toBeNull();
  });

  it('puts the saved session into the browser and writes a rotated one back to its file (0600), only once signed in', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meetbot-account-')), 'credential.json');
    writeFileSync(file, JSON.stringify(credential));
    let now = state(COOKIE);
    const context = fakeContext(() => now);
    const account = new BotAccount(meet({ mode: 'always', group: null }), credential, credentialSink(file, null), silentLogger);
    await account.prepare(context);
    expect(context.added).toEqual(credential.storage_state!.cookies);
    now = state(`${COOKIE}-rotated`);
    await account.save();
    expect(JSON.parse(readFileSync(file, 'utf8')).storage_state.cookies[0].value).toBe(COOKIE); // not signed in yet: a guest's cookies are not the account's
    account.access()!.signedIn();
    await account.save();
    const written = parseCredential(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(written.storage_state!.cookies[0]!.value).toBe(`${COOKIE}-rotated`);
    expect(written.password).toBe(PASSWORD);
    expect(written.saved_at).toBeDefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('meetbot join --credential', () => {
  const BODY = JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij', google_meet: { login_required: true } });
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliCapturing(['join', '--out', '<out>', ...args], { BOT_CONFIG: BODY, ...env });

  it('reaches the runtime from the flag, the file variable or the JSON variable', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meetbot-account-')), 'c.json');
    writeFileSync(file, JSON.stringify(credential()));
    expect((await cli(['--credential', file])).opts?.credential).toMatchObject({ file, value: { email: 'bot@acme.example' } });
    expect((await cli([], { MEETBOT_CREDENTIAL_FILE: file })).opts?.credential?.file).toBe(file);
    expect((await cli([], { MEETBOT_CREDENTIAL: JSON.stringify(credential()) })).opts?.credential).toMatchObject({ file: null });
    expect((await cli([])).opts?.credential).toBeNull();
  });

  it('--sign-in makes a bot sign in whatever its body says (the service\'s retry), keeping the body\'s group', async () => {
    const plain = (args: string[], body: object) => runCliCapturing(['join', '--out', '<out>', ...args], { BOT_CONFIG: JSON.stringify(body) });
    const meet = { meeting_url: 'https://meet.google.com/abc-defg-hij' };
    expect((await plain([], meet)).spec?.sign_in).toBeNull();
    expect((await plain(['--sign-in', 'always'], meet)).spec?.sign_in).toEqual({ mode: 'always', group: null });
    const grouped = { ...meet, google_meet_settings: { use_login: true, login_mode: 'only_if_required', login_group_name: 'Notetakers' } };
    expect((await plain(['--sign-in', 'always'], grouped)).spec?.sign_in).toEqual({ mode: 'always', group: 'Notetakers' });
    expect((await plain(['--sign-in', 'sometimes'], meet)).code).toBe(2);
  });

  it.each([
    ['a missing file', ['--credential', '/nonexistent/c.json'], {}, '--credential /nonexistent/c.json: cannot be read (ENOENT)'],
    ['a variable that is not JSON', [], { MEETBOT_CREDENTIAL: `{"password":"${PASSWORD}"` }, 'MEETBOT_CREDENTIAL: is not JSON'],
    ['a credential without email', [], { MEETBOT_CREDENTIAL: JSON.stringify({ platform: 'google_meet', password: PASSWORD }) }, 'MEETBOT_CREDENTIAL: email: a password needs its email'],
    ['a trace of a signed-in bot', ['--trace'], { MEETBOT_CREDENTIAL: JSON.stringify({ platform: 'google_meet', email: 'a@b.example', password: PASSWORD }) }, '--trace would record the account\'s password and session cookies'],
  ])('%s is a usage error naming it (exit 2) that never shows the password, and no bot starts', async (_case, args, env, message) => {
    const r = await cli(args, env);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toContain(PASSWORD);
    expect(r.opts).toBeNull();
  });

  function credential() {
    return { platform: 'google_meet', email: 'bot@acme.example', password: PASSWORD };
  }
});
