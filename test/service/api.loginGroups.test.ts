import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialCipher } from '../../src/service/credentialCipher.js';
import { testDatabases } from '../helpers/databases.js';
import { startHarness, until } from '../helpers/serviceHarness.js';

// Login groups: a project's accounts stored once, sealed under the operator's key, shown without their secrets,
// checked when a Create Bot body names one, handed to the bot that signs in (and to no other), and the session
// the bot writes back stored into its own group only. Each test runs on PGlite and on a Postgres server.

const MEET = 'https://meet.google.com/abc-defg-hij';
const TEAMS = 'https://teams.microsoft.com/meet/27101570297097?p=Secret42';
const PASSWORD = 'hunter2-the-group-password';
const COOKIE = 'g.a000-SESSION-cookie-value-7c1d';
const TOTP = 'JBSWY3DPEHPK3PXP';
const cookie = (value: string) => ({ name: 'SID', value, domain: '.google.com', path: '/', expires: 2_000_000_000, httpOnly: true, secure: true, sameSite: 'Lax' });
const account = { email: 'notetaker@acme.example', password: PASSWORD, totp_secret: TOTP, storage_state: { cookies: [cookie(COOKIE)], origins: [] } };

describe.each(testDatabases())('login groups on $kind', (database) => {
  it('store a credential sealed, show it without its secrets, and belong to their project only', async () => {
    const key = randomBytes(32);
    const h = await startHarness(await database.place(), { credentialsKey: key });
    const acme = await h.key('acme');
    const other = await h.key('other');

    const created = await h.api(acme, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Notetakers', credential: account });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ platform: 'google_meet', name: 'Notetakers', default: false, email: 'notetaker@acme.example', has_session: true, has_password: true, saved_at: null });
    const id: string = created.body.id;
    const listed = await h.api(acme, 'GET', '/api/v1/login_groups/');
    expect(listed.body.results.map((g: any) => g.id)).toEqual([id]);
    expect((await h.api(acme, 'GET', '/api/v1/login_groups/?platform=microsoft_teams')).body.results).toEqual([]);
    expect((await h.api(acme, 'GET', `/api/v1/login_groups/${id}/`)).body).toEqual(created.body);
    for (const text of [JSON.stringify(created.body), JSON.stringify(listed.body)]) for (const secret of [PASSWORD, COOKIE, TOTP]) expect(text).not.toContain(secret);

    // At rest: sealed with the key and the group's id; another key (or another row) does not open it.
    const [row] = await h.service.db.query<{ sealed_credential: string }>('SELECT * FROM login_groups WHERE id = $1', [id]);
    for (const secret of [PASSWORD, COOKIE, TOTP]) expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.parse(new CredentialCipher(key).open(row!.sealed_credential, id))).toMatchObject({ platform: 'google_meet', password: PASSWORD });
    expect(() => new CredentialCipher(randomBytes(32)).open(row!.sealed_credential, id)).toThrow(/does not open/);
    expect(() => new CredentialCipher(key).open(row!.sealed_credential, '00000000-0000-4000-8000-000000000000')).toThrow(/does not open/);

    // Another project's group is not found, whatever the method.
    for (const method of ['GET', 'PATCH', 'DELETE']) expect((await h.api(other, method, `/api/v1/login_groups/${id}/`, method === 'PATCH' ? { name: 'Mine' } : undefined)).status).toBe(404);
    expect((await h.api(other, 'GET', '/api/v1/login_groups/')).body.results).toEqual([]);
    expect((await h.api(null, 'GET', '/api/v1/login_groups/')).status).toBe(401);

    // Replace the credential: a session only now; the platform stays.
    const replaced = await h.api(acme, 'PATCH', `/api/v1/login_groups/${id}/`, { credential: { storage_state: { cookies: [cookie('another-session-cookie-value')], origins: [] } } });
    expect(replaced.body).toMatchObject({ email: null, has_session: true, has_password: false });
    expect((await h.api(acme, 'PATCH', `/api/v1/login_groups/${id}/`, { platform: 'microsoft_teams' })).body).toEqual({ platform: ['cannot change (the group is for google_meet); create a group for the other platform'] });

    // The default mark moves: one default per project and platform.
    const second = await h.api(acme, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Sales team', default: true, credential: account });
    await h.api(acme, 'PATCH', `/api/v1/login_groups/${id}/`, { default: true });
    expect((await h.api(acme, 'GET', `/api/v1/login_groups/${second.body.id}/`)).body.default).toBe(false);
    expect((await h.api(acme, 'GET', `/api/v1/login_groups/${id}/`)).body.default).toBe(true);

    expect((await h.api(acme, 'DELETE', `/api/v1/login_groups/${id}/`)).status).toBe(204);
    expect((await h.api(acme, 'GET', `/api/v1/login_groups/${id}/`)).status).toBe(404);
    const openapi = await h.api(null, 'GET', '/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/login_groups/', '/api/v1/login_groups/{id}/']));
  });

  it('refuse a bad group or credential naming the field and never a value, and refuse to store without the key', async () => {
    const h = await startHarness(await database.place(), { credentialsKey: randomBytes(32) });
    const acme = await h.key('acme');
    const post = (body: unknown) => h.api(acme, 'POST', '/api/v1/login_groups/', body);
    expect((await post({ platform: 'google_meet', name: 'A', credential: { email: 'a@b.example' } })).body).toEqual({ credential: [expect.stringContaining('needs a password')] });
    expect((await post({ platform: 'google_meet', name: 'A', credential: { password: PASSWORD } })).body).toEqual({ 'credential.email': ['a password needs its email'] });
    const badCookie = await post({ platform: 'google_meet', name: 'A', credential: { storage_state: { cookies: [{ name: 'SID', value: COOKIE }], origins: [] } } });
    expect(Object.keys(badCookie.body)).toEqual(expect.arrayContaining(['credential.storage_state.cookies[0].domain']));
    expect(JSON.stringify(badCookie.body)).not.toContain(COOKIE);
    expect((await post({ platform: 'google_meet', name: 'A', credential: { ...account, platform: 'microsoft_teams' } })).body).toEqual({ 'credential.platform': ["must be the group's platform, google_meet"] });
    expect(Object.keys((await post({ platform: 'zoom', name: 'A', credential: account })).body)).toEqual(['platform']);
    expect(Object.keys((await post({ platform: 'google_meet', name: '__', credential: account })).body)).toEqual(['name']);
    expect((await post({ platform: 'google_meet', name: 'A', credential: { ...account, password: 42 } })).status).toBe(400);
    expect((await post({ platform: 'google_meet', name: 'A', credential: account })).status).toBe(201);
    expect((await post({ platform: 'google_meet', name: 'A', credential: account })).body).toEqual({ name: ['this project already has a google_meet login group named "A"'] });
    expect((await post({ platform: 'microsoft_teams', name: 'A', credential: account })).status).toBe(201);
    expect((await h.api(acme, 'GET', '/api/v1/login_groups/')).body.results).toHaveLength(2);

    const keyless = await startHarness(await database.place());
    const refused = await keyless.api(await keyless.key('acme'), 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'A', credential: account });
    expect(refused.status).toBe(503);
    expect(refused.body.detail).toMatch(/MEETBOT_CREDENTIALS_KEY/);
  });

  it('check the group a Create Bot body names, and hand its credential to that bot only', async () => {
    const h = await startHarness(await database.place(), { credentialsKey: randomBytes(32) });
    const acme = await h.key('acme');
    const other = await h.key('other');
    const group = (await h.api(acme, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Notetakers', credential: account })).body;
    const teams = (await h.api(acme, 'POST', '/api/v1/login_groups/', { platform: 'microsoft_teams', name: 'Teams bots', credential: { ...account, storage_state: undefined } })).body;
    const foreign = (await h.api(other, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Notetakers', credential: account })).body;

    const recall = (google_meet: object) => h.api(acme, 'POST', '/api/v1/bot/', { meeting_url: MEET, google_meet });
    expect((await recall({ google_login_group_id: foreign.id })).body).toEqual({ 'google_meet.google_login_group_id': ['is not a login group of this project'] });
    expect((await recall({ google_login_group_id: teams.id })).body).toEqual({ 'google_meet.google_login_group_id': ['names a microsoft_teams login group; the meeting is on google_meet'] });
    expect((await h.api(acme, 'POST', '/api/v1/bots', { meeting_url: MEET, bot_name: 'B', google_meet_settings: { use_login: true, login_group_name: 'Teams bots' } })).body).toEqual({
      'google_meet_settings.login_group_name': ['names a microsoft_teams login group; the meeting is on google_meet'],
    });
    expect((await h.api(acme, 'POST', '/api/v1/bots', { meeting_url: TEAMS, bot_name: 'B', teams_settings: { use_login: true, login_group_name: 'Nobody' } })).body).toEqual({
      'teams_settings.login_group_name': ['no microsoft_teams login group of this project has this name'],
    });
    expect(h.launcher.bots).toEqual([]);

    const named = await recall({ google_login_group_id: group.id });
    expect(named.status).toBe(201);
    const signedIn = await h.launcher.next(named.body.id);
    expect(JSON.parse(signedIn.request.credential!)).toMatchObject({ platform: 'google_meet', email: 'notetaker@acme.example', password: PASSWORD });
    expect(signedIn.request.body).not.toContain(PASSWORD);
    const attendee = (await h.api(acme, 'POST', '/api/v1/bots', { meeting_url: TEAMS, bot_name: 'B', teams_settings: { use_login: true } })).body;
    const teamsBot = await until(async () => h.launcher.bots.find((b) => JSON.parse(b.request.body).teams_settings), Boolean, 'the Teams bot');
    expect(attendee.id).toMatch(/^bot_/);
    expect(JSON.parse(teamsBot!.request.credential!)).toMatchObject({ platform: 'microsoft_teams', password: PASSWORD }); // the platform's default: its only group
    const guest = await h.api(acme, 'POST', '/api/v1/bot/', { meeting_url: MEET });
    expect((await h.launcher.next(guest.body.id)).request.credential).toBeNull();
    // Signed in, and the project has no group for the platform: the bot starts, and the runtime says what is missing.
    const none = await h.api(other, 'POST', '/api/v1/bots', { meeting_url: TEAMS, bot_name: 'B', teams_settings: { use_login: true } });
    expect(none.status).toBe(201);
    const bare = await until(async () => h.launcher.bots.find((b) => b.request.credential === null && JSON.parse(b.request.body).teams_settings), Boolean, 'the bot without a group');
    expect(bare!.request.credential).toBeNull();
  });

  it('store the session a bot writes back into its own group, newest first, and drop one for another platform', async () => {
    const key = randomBytes(32);
    const h = await startHarness(await database.place(), { credentialsKey: key });
    const acme = await h.key('acme');
    const group = (await h.api(acme, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Notetakers', credential: account })).body;
    const stored = async () => {
      const [row] = await h.service.db.query<{ sealed_credential: string }>('SELECT sealed_credential FROM login_groups WHERE id = $1', [group.id]);
      return JSON.parse(new CredentialCipher(key).open(row!.sealed_credential, group.id));
    };
    const bot = await h.launcher.next((await h.api(acme, 'POST', '/api/v1/bot/', { meeting_url: MEET, google_meet: { login_required: true } })).body.id);
    bot.connect();
    const given = JSON.parse(bot.request.credential!);
    const rotated = { ...given, password: 'a-password-the-bot-must-not-change', storage_state: { cookies: [cookie('rotated-session-cookie-1')], origins: [] }, saved_at: '2030-01-01T00:00:02.000Z' };
    bot.channel!.reportCredential(rotated);
    expect(await bot.channel!.flush(5000)).toBe(true);
    const after = await stored();
    expect(after.storage_state.cookies[0].value).toBe('rotated-session-cookie-1');
    expect(after.password).toBe(PASSWORD); // only the session and its saved_at come from the bot
    expect((await h.api(acme, 'GET', `/api/v1/login_groups/${group.id}/`)).body.saved_at).toBe('2030-01-01T00:00:02.000Z');

    // An older session (another bot's, late) does not win; one for another platform is acknowledged and dropped.
    bot.channel!.reportCredential({ ...rotated, storage_state: { cookies: [cookie('older-session-cookie')], origins: [] }, saved_at: '2030-01-01T00:00:01.000Z' });
    bot.channel!.reportCredential({ ...rotated, platform: 'microsoft_teams', saved_at: '2030-01-01T00:00:09.000Z' });
    expect(await bot.channel!.flush(5000)).toBe(true);
    expect((await stored()).storage_state.cookies[0].value).toBe('rotated-session-cookie-1');

    // A bot given no group writes nothing anywhere.
    const guest = await h.launcher.next((await h.api(acme, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id);
    guest.connect();
    guest.channel!.reportCredential({ ...rotated, saved_at: '2030-01-01T00:00:30.000Z' });
    expect(await guest.channel!.flush(5000)).toBe(true);
    expect((await stored()).saved_at).toBe('2030-01-01T00:00:02.000Z');

    // The operator replaces the credential: a bot launched before that cannot write its old account's session over it.
    await h.api(acme, 'PATCH', `/api/v1/login_groups/${group.id}/`, { credential: { email: 'new@acme.example', password: 'the-new-password' } });
    bot.channel!.reportCredential({ ...rotated, saved_at: '2030-01-01T00:01:00.000Z' });
    expect(await bot.channel!.flush(5000)).toBe(true);
    expect(await stored()).toEqual({ platform: 'google_meet', email: 'new@acme.example', password: 'the-new-password' });
  });
});
