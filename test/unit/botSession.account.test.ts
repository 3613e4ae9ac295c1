import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCredential, type StorageState } from '../../src/account/credential.js';
import { isStatusEvent } from '../../src/events/botEvents.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { BotSession } from '../../src/session/botSession.js';
import { eventsIn, FakeAdapter, fakeOptions, fakeSpec, fakeWorld } from '../helpers/fakeSession.js';

// A signed-in bot's run, with fakes for the browser and the page: the credential checked before anything
// starts, the saved session put into the browser before the join, the rotated one written back, and the
// account's secrets kept out of everything the bot writes.

const PASSWORD = 'hunter2-but-longer-7731';
const COOKIE = 'sid-cookie-value-4b1d0a9e';
const ENDED = { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'call_ended_by_host' }, text: 'Your host ended the meeting' } as const;

function session(value: string): StorageState {
  return { cookies: [{ name: 'SID', value, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] };
}

const signedInSpec = () => fakeSpec({}, { google_meet: { login_required: true } });

describe('BotSession: signed-in bots', () => {
  it('ends a bot told to sign in without a credential before it starts a browser', async () => {
    const adapter = new FakeAdapter(ENDED);
    const world = fakeWorld(adapter);
    const options = fakeOptions();
    const r = await new BotSession(signedInSpec(), options, world.deps).run(new AbortController().signal);
    const statuses = eventsIn(options.outDir).filter(isStatusEvent);
    expect(statuses.map((e) => [e.code, e.sub_code])).toEqual([
      ['joining_call', null],
      ['fatal', 'google_meet_sign_in_missing_login_credentials'],
    ]);
    expect(r.exitCode).toBe(1);
    expect(world.media.started).toBe(0);
    expect(adapter.calls).toEqual([]);
  });

  it('restores the saved session before the join, writes the rotated one back, and never writes the secrets', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meetbot-session-account-')), 'credential.json');
    const credential = parseCredential({ platform: 'google_meet', email: 'bot@acme.example', password: PASSWORD, storage_state: session(COOKIE) }, 'test');
    writeFileSync(file, JSON.stringify(credential));
    const adapter = new FakeAdapter({ phase: 'in_call' }, ENDED);
    const world = fakeWorld(adapter);
    const cookiesAdded: unknown[] = [];
    let browserCookie = COOKIE;
    Object.assign(world.browser.context, {
      addCookies: (c: unknown[]) => Promise.resolve(void cookiesAdded.push(...c)),
      addInitScript: () => Promise.resolve(),
      cookies: () => Promise.resolve(session(browserCookie).cookies),
      pages: () => [],
    });
    adapter.joinImpl = (ctx) => {
      expect(cookiesAdded).toHaveLength(1); // in the browser before the meeting's page is opened
      expect(ctx.account).toMatchObject({ mode: 'always', credential: { email: 'bot@acme.example' } });
      ctx.log.info('typed the password', { password: PASSWORD, cookie: COOKIE });
      browserCookie = `${COOKIE}-rotated`;
      ctx.account!.signedIn();
      return Promise.resolve();
    };
    const options = fakeOptions({ credential: { value: credential, file } });
    const r = await new BotSession(signedInSpec(), options, world.deps).run(new AbortController().signal);
    expect(r.final.code).toBe('done');
    const written = parseCredential(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(written.storage_state!.cookies[0]!.value).toBe(`${COOKIE}-rotated`);
    for (const name of readdirSync(options.outDir, { recursive: true, encoding: 'utf8' })) {
      const text = readFileSync(join(options.outDir, name), 'latin1');
      expect(text, name).not.toContain(PASSWORD);
      expect(text, name).not.toContain(COOKIE);
    }
    expect(readFileSync(join(options.outDir, 'bot.log'), 'utf8')).toContain('typed the password');
  });

  it('a sign-in wall met by the join steps ends fatal with its own sub_code', async () => {
    const adapter = new FakeAdapter(ENDED);
    adapter.joinImpl = () => Promise.reject(new JoinStepError('sign in: password', ['input[name=Passwd]'], 'google_meet_sign_in_failed', 'Wrong password'));
    const world = fakeWorld(adapter);
    const options = fakeOptions({ credential: { value: parseCredential({ platform: 'google_meet', email: 'b@acme.example', password: PASSWORD }, 't'), file: null } });
    const r = await new BotSession(signedInSpec(), options, world.deps).run(new AbortController().signal);
    expect(r.final).toMatchObject({ code: 'fatal', sub_code: 'google_meet_sign_in_failed', detail: { step: 'sign in: password' } });
  });
});
