import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SIGN_IN_WALLS } from '../../src/service/signInRetry.js';
import { createLogger } from '../../src/util/log.js';
import { testDatabases } from '../helpers/databases.js';
import { startHarness, until, WebhookReceiver, type FakeBot, type Harness } from '../helpers/serviceHarness.js';

// The service's one signed-in retry: a signed-out bot that a wall stops is launched once more, signed in with the
// project's credential, and API clients see it keep joining (no fatal, no bot.fatal webhook) until the second run
// ends; a second wall is final. And the credentials' secrets reach no response, log, stored event or webhook.

const MEET = 'https://meet.google.com/abc-defg-hij';
const TEAMS = 'https://teams.microsoft.com/meet/27101570297097?p=Secret42';
const PASSWORD = 'hunter2-the-group-password';
const COOKIE = 'g.a000-SESSION-cookie-value-7c1d';
const ROTATED = 'g.a000-ROTATED-cookie-value-93ab';
const TOTP = 'JBSWY3DPEHPK3PXP';
const cookie = (value: string) => ({ name: 'SID', value, domain: '.google.com', path: '/', expires: 2_000_000_000, httpOnly: true, secure: true, sameSite: 'Lax' });
const account = { email: 'notetaker@acme.example', password: PASSWORD, totp_secret: TOTP, storage_state: { cookies: [cookie(COOKIE)], origins: [] } };
const WHSEC = 'whsec_' + Buffer.from('k'.repeat(32)).toString('base64');

const logDir = mkdtempSync(join(tmpdir(), 'meetbot-retry-log-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

/** The bot's launches, in order (the retry is a second launch of the same bot). */
function launchesOf(h: Harness, botId: string, n: number): Promise<FakeBot[]> {
  return until(async () => h.launcher.bots.filter((b) => b.request.botId === botId), (l) => l.length >= n, `launch ${n} of ${botId}`);
}

async function walled(bot: FakeBot, wall: string): Promise<void> {
  bot.connect();
  bot.status('joining_call');
  bot.status('fatal', wall);
  await bot.end(1);
}

describe.each(testDatabases())('the signed-in retry on $kind', (database) => {
  it('launches a walled signed-out Recall bot once more, signed in; clients see it keep joining; a second wall is final', async () => {
    const receiver = await new WebhookReceiver().start();
    const h = await startHarness(await database.place(), { credentialsKey: randomBytes(32) });
    const key = await h.key('acme', { webhookUrl: receiver.url, webhookSecret: WHSEC });
    await h.api(key, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Notetakers', credential: account });
    const id: string = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET, google_meet: { login_required: false } })).body.id;

    const [first] = await launchesOf(h, id, 1);
    expect(first!.request.credential).toBeNull();
    await walled(first!, 'google_meet_bot_blocked');
    const [, second] = await launchesOf(h, id, 2);
    expect(second!.request.run).toBe(2);
    // Signed in by the launch (`meetbot join --sign-in always`), the body as the client gave it.
    expect(second!.request.signIn).toBe('always');
    expect(first!.request.signIn).toBeNull();
    expect(second!.request.body).toBe(first!.request.body);
    expect(JSON.parse(second!.request.credential!)).toMatchObject({ platform: 'google_meet', password: PASSWORD });
    const retrying = (await h.api(key, 'GET', `/api/v1/bot/${id}/`)).body;
    expect(retrying.status_changes.map((s: any) => [s.code, s.sub_code])).toEqual([
      ['ready', null],
      ['joining_call', null],
      ['joining_call', 'google_meet_bot_blocked'],
    ]);
    expect(retrying.status_changes[2].message).toMatch(/joins again, signed in/);

    // The second run numbers its reports from 1 again: they are stored, not taken for the first run's.
    await walled(second!, 'google_meet_bot_blocked');
    const ended = await until(() => h.api(key, 'GET', `/api/v1/bot/${id}/`), (r) => r.body.status_changes.at(-1).code === 'fatal', 'the final fatal');
    expect(ended.body.status_changes.map((s: any) => s.code)).toEqual(['ready', 'joining_call', 'joining_call', 'joining_call', 'fatal']);
    const hooks = await until(async () => receiver.events(id), (e) => e.length === 4, 'four webhooks');
    expect(hooks).toEqual(['bot.ready', 'bot.joining_call', 'bot.joining_call', 'bot.fatal']);
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.launcher.bots.filter((b) => b.request.botId === id)).toHaveLength(2);
    expect(receiver.events(id)).toHaveLength(4);
    await receiver.close();
  });

  it('an Attendee Teams bot signs in on its retry and joins: its client never sees fatal_error', async () => {
    const h = await startHarness(await database.place(), { credentialsKey: randomBytes(32) });
    const key = await h.key('acme');
    await h.api(key, 'POST', '/api/v1/login_groups/', { platform: 'microsoft_teams', name: 'Teams bots', credential: { email: 'bot@acme.example', password: PASSWORD } });
    const id: string = (await h.api(key, 'POST', '/api/v1/bots', { meeting_url: TEAMS, bot_name: 'Notes' })).body.id;
    const uuid = await until(async () => h.launcher.bots[0]?.request.botId, Boolean, 'the first launch');
    const [first] = await launchesOf(h, uuid!, 1);
    await walled(first!, 'microsoft_teams_captcha_detected');
    const [, second] = await launchesOf(h, uuid!, 2);
    expect(second!.request.signIn).toBe('always');
    expect((await h.api(key, 'GET', `/api/v1/bots/${id}`)).body.state).toBe('joining');
    second!.connect();
    second!.status('joining_call');
    second!.status('in_call_not_recording');
    second!.status('in_call_recording');
    const joined = await until(() => h.api(key, 'GET', `/api/v1/bots/${id}`), (r) => r.body.state === 'joined_recording', 'joined_recording');
    expect(joined.body.events.map((e: any) => e.type)).not.toContain('could_not_join');
  });

  it('is not made without a credential for the platform, for other ends, or for a body that signed in', async () => {
    const h = await startHarness(await database.place(), { credentialsKey: randomBytes(32) });
    const key = await h.key('acme');
    await h.api(key, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Notetakers', credential: account });
    const cases: [body: object, api: 'bot/' | 'bots', sub_code: string][] = [
      [{ meeting_url: MEET }, 'bot/', 'meeting_not_found'],
      [{ meeting_url: MEET, google_meet: { login_required: true } }, 'bot/', 'google_meet_bot_blocked'],
      [{ meeting_url: TEAMS }, 'bots', 'microsoft_teams_captcha_detected'], // no Teams group
      [{ meeting_url: TEAMS }, 'bot/', 'meeting_requires_sign_in'], // no Teams group
    ];
    const ids: string[] = [];
    for (const [body, api] of cases) {
      const created = await h.api(key, 'POST', `/api/v1/${api}`, { bot_name: 'B', ...body });
      expect(created.status).toBe(201);
      const bot = await until(async () => h.launcher.bots[ids.length], Boolean, 'the launch');
      ids.push(bot!.request.botId);
    }
    for (const [i, [, , subCode]] of cases.entries()) await walled(h.launcher.bots[i]!, subCode);
    for (const [i, id] of ids.entries()) {
      const [row] = await until(() => h.service.db.query<{ status: string; sub_code: string }>('SELECT status, sub_code FROM bots WHERE id = $1', [id]), (r) => r[0]!.status === 'fatal', 'fatal');
      expect(row!.sub_code).toBe(cases[i]![2]);
    }
    expect(h.launcher.bots).toHaveLength(cases.length);
    expect(SIGN_IN_WALLS.has('meeting_not_found')).toBe(false);

    // Told to leave while its walled first run is still exiting: it ends there, and no second run follows.
    const id: string = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id;
    const [first] = await launchesOf(h, id, 1);
    first!.connect();
    first!.status('joining_call');
    first!.status('fatal', 'meeting_requires_sign_in');
    first!.channel!.reportManifest({}); // the final status follows the manifest; the process has not exited yet
    await until(() => h.api(key, 'GET', `/api/v1/bot/${id}/`), (r) => r.body.status_changes.length === 3, 'the retry entry');
    expect((await h.api(key, 'POST', `/api/v1/bot/${id}/leave_call/`)).status).toBe(200);
    await first!.end(1);
    const left = await until(() => h.api(key, 'GET', `/api/v1/bot/${id}/`), (r) => r.body.status_changes.at(-1).code === 'done', 'done');
    expect(left.body.status_changes.map((s: any) => s.code)).toEqual(['ready', 'joining_call', 'joining_call', 'call_ended', 'done']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(h.launcher.bots.filter((b) => b.request.botId === id)).toHaveLength(1);
  });

  it('keeps every secret of a credential out of responses, logs, stored events, webhooks and the launch', async () => {
    const logFile = join(logDir, `${database.kind}.log`);
    const credentialsKey = randomBytes(32);
    const receiver = await new WebhookReceiver().start();
    const h = await startHarness(await database.place(), { credentialsKey }, createLogger({ minLevel: 'debug', stderr: false, file: logFile }));
    const key = await h.key('acme', { webhookUrl: receiver.url, webhookSecret: WHSEC });
    const group = (await h.api(key, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Notetakers', credential: account })).body;
    const refused = await h.api(key, 'POST', '/api/v1/login_groups/', { platform: 'google_meet', name: 'Bad', credential: { ...account, totp_secret: `${TOTP}!` } });
    const id: string = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id;
    const [first] = await launchesOf(h, id, 1);
    await walled(first!, 'google_meet_join_request_dropped');
    const [, second] = await launchesOf(h, id, 2);
    second!.connect();
    second!.status('joining_call');
    second!.channel!.reportCredential({ ...JSON.parse(second!.request.credential!), storage_state: { cookies: [cookie(ROTATED)], origins: [] }, saved_at: new Date().toISOString() });
    second!.channel!.reportCredential({ platform: 'microsoft_teams', email: 'x@acme.example', password: PASSWORD });
    second!.status('in_call_recording');
    second!.leavesOnCommand();
    await h.api(key, 'POST', `/api/v1/bot/${id}/leave_call/`);
    await until(async () => receiver.events(id), (e) => e.includes('bot.done'), 'bot.done');

    const seen = [
      JSON.stringify(refused.body),
      JSON.stringify((await h.api(key, 'GET', `/api/v1/bot/${id}/`)).body),
      JSON.stringify((await h.api(key, 'GET', '/api/v1/login_groups/')).body),
      JSON.stringify((await h.api(key, 'GET', `/api/v1/login_groups/${group.id}/`)).body),
      JSON.stringify(await h.service.db.query('SELECT * FROM bot_events')),
      JSON.stringify(await h.service.db.query('SELECT * FROM webhook_deliveries')),
      JSON.stringify(await h.service.db.query('SELECT * FROM bots')),
      JSON.stringify(receiver.received),
      readFileSync(logFile, 'utf8'),
      JSON.stringify([first!.request, second!.request].map(({ credential: _c, ...launch }) => launch)),
    ].join('\n');
    expect(readFileSync(logFile, 'utf8')).toContain('dropped a session a bot wrote back');
    for (const secret of [PASSWORD, COOKIE, ROTATED, TOTP, credentialsKey.toString('base64')]) expect(seen).not.toContain(secret);
    await receiver.close();
  });
});
