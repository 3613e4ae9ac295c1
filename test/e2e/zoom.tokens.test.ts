import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { TokenServer } from '../helpers/tokenServer.js';

// Zoom tokens fetched at join time (issue 19): the real bot (compiled CLI, own Chromium) fetches them from a
// loopback token endpoint and joins through the mock's Meeting SDK, whose meeting checks the signature and the
// tokens; each wall ends with its own sub_code. The OBF waits are in zoom.tokens.obf.test.ts.

const { client, startBot } = useMockServer();
const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const secret = (what: string) => `${what}-${randomBytes(9).toString('base64url')}`;
const SDK = { sdk_key: 'meetbot-test-sdk-key', sdk_secret: secret('sdk-secret') };
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const ZAK = secret('zak');
const CALLBACK_ZAK = secret('callback-zak');
const JOIN_TOKEN = secret('join-token');
const EXPIRED_ZAK = secret('expired-zak');

let tokens: TokenServer;
beforeAll(async () => {
  tokens = (await TokenServer.start())
    .on('/zak', () => ({ status: 200, body: `${ZAK}\n` }))
    .on('/expired', () => ({ status: 200, body: EXPIRED_ZAK }))
    .on('/callback', () => ({ status: 200, body: JSON.stringify({ zak_token: CALLBACK_ZAK, join_token: JOIN_TOKEN }), headers: { 'content-type': 'application/json' } }))
    .on('/broken', () => ({ status: 500, body: 'token service down' }))
    .on('/hang', () => 'hang')
    .on('/none', () => ({ status: 404 }));
});
afterAll(() => tokens.close());

function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'zoom', waiting_room: false, participants: [ALICE], zoom_sdk: { ...SDK, zak_tokens: [ZAK, CALLBACK_ZAK], join_tokens: [JOIN_TOKEN] }, ...spec });
}

/** The operator's SDK app, loaded from the mock's copy of Zoom's CDN. */
function sdkEnv(sdkSecret = SDK.sdk_secret): NodeJS.ProcessEnv {
  return { MEETBOT_ZOOM_SDK_KEY: SDK.sdk_key, MEETBOT_ZOOM_SDK_SECRET: sdkSecret, MEETBOT_ZOOM_SDK_URL: `${client.url}/zoom-sdk/`, MEETBOT_WEBHOOK_SECRET: WEBHOOK_SECRET };
}

function bot(url: string, body: Record<string, unknown>, env: NodeJS.ProcessEnv = sdkEnv()): BotProcess {
  return startBot({ url, platform: 'zoom', body, env });
}

const recallBody = (zoom: Record<string, string>) => ({ zoom, recording_config: { video_mixed_mp4: null } });
const sdkJoins = async (id: string) => (await client.get(id)).events.filter((e) => e.type === 'sdk_join').map((e) => e.detail!);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every place a bot writes: its output folder, stdout (events) and stderr (log lines). */
function expectNowhere(bots: BotProcess[], secrets: string[]): void {
  for (const b of bots) {
    const places = [
      { where: 'stdout', text: JSON.stringify(b.events) },
      { where: 'stderr', text: b.stderr },
      ...filesUnder(b.outDir).map((f) => ({ where: f, text: readFileSync(f).toString('latin1') })),
    ];
    for (const { where, text } of places) for (const s of secrets) expect(text.includes(s), `${s.split('-')[0]} in ${where}`).toBe(false);
  }
}

describe('zoom tokens', () => {
  it("joins through the Meeting SDK with a ZAK from zoom.zak_url, and with Attendee's signed callback (its join token skips the waiting room); no token is written anywhere", async () => {
    const [mZak, mCallback] = await Promise.all([meeting(), meeting({ waiting_room: true })]);
    const bZak = bot(mZak.join_url, { bot_name: 'Zak Notetaker', ...recallBody({ zak_url: tokens.url('/zak?api_key=k-123') }) });
    const bCallback = bot(mCallback.join_url, { bot_name: 'Callback Notetaker', metadata: { team: 'sales' }, callback_settings: { zoom_tokens_url: tokens.url('/callback') }, recording_settings: { format: 'none' } });
    await Promise.all([bZak.waitForStatus('in_call_not_recording', 60_000), bCallback.waitForStatus('in_call_not_recording', 60_000)]);

    expect(await sdkJoins(mZak.id)).toEqual([{ zak: ZAK, obf: null, join_token: null, ok: true }]);
    expect(tokens.requestsTo('/zak')).toEqual([expect.objectContaining({ method: 'GET', path: '/zak?api_key=k-123' })]);
    const callbackView = await client.get(mCallback.id);
    expect(await sdkJoins(mCallback.id)).toEqual([{ zak: CALLBACK_ZAK, obf: null, join_token: JOIN_TOKEN, ok: true }]);
    expect(callbackView.events.map((e) => e.type)).not.toContain('bot_knocking');
    expect(callbackView.joined_names).toEqual(['Callback Notetaker']);
    const [callback] = tokens.requestsTo('/callback');
    expect(JSON.parse(callback!.body)).toEqual({ bot_id: expect.any(String), bot_metadata: { team: 'sales' }, callback_type: 'zoom_tokens', meeting_url: mCallback.join_url });
    expect(new Webhook(WEBHOOK_SECRET).verify(callback!.body, callback!.headers)).toBeTruthy();

    await Promise.all([bZak.stop(), bCallback.stop()]);
    expect([(await bZak.exited).code, (await bCallback.exited).code]).toEqual([0, 0]);
    expectNowhere([bZak, bCallback], [ZAK, CALLBACK_ZAK, JOIN_TOKEN, SDK.sdk_secret, WEBHOOK_SECRET]);
  });

  it('ends each wall with its own sub_code: a token Zoom refuses, a wrong SDK secret, a token URL that fails or hangs, no SDK app; a 404 joins as a guest', async () => {
    const [mExpired, mSignature, mBroken, mHang, mNoSdk, mGuest] = await Promise.all([meeting(), meeting(), meeting(), meeting(), meeting(), meeting()]);
    const bots = {
      expired: bot(mExpired.join_url, recallBody({ zak_url: tokens.url('/expired') })),
      signature: bot(mSignature.join_url, recallBody({ zak_url: tokens.url('/zak') }), sdkEnv(secret('wrong-sdk-secret'))),
      broken: bot(mBroken.join_url, recallBody({ join_token_url: tokens.url('/broken') })),
      hang: bot(mHang.join_url, recallBody({ obf_token_url: tokens.url('/hang') })),
      noSdk: bot(mNoSdk.join_url, recallBody({ obf_token_url: tokens.url('/no-sdk') }), {}),
      guest: bot(mGuest.join_url, { bot_name: 'Guest Notetaker', ...recallBody({ zak_url: tokens.url('/none') }) }),
    };
    const fatal = async (b: BotProcess) => (await b.waitForStatus('fatal', 60_000)).sub_code;
    expect(await fatal(bots.noSdk)).toBe('zoom_sdk_credentials_missing');
    expect(bots.noSdk.codes).toEqual(['joining_call', 'fatal']);
    expect(await fatal(bots.expired)).toBe('zoom_invalid_join_token');
    expect(await fatal(bots.signature)).toBe('zoom_invalid_signature');
    expect(await fatal(bots.broken)).toBe('zoom_token_fetch_failed');
    const hung = await bots.hang.waitForStatus('fatal', 60_000);
    expect(hung.sub_code).toBe('zoom_token_fetch_failed');
    expect(hung.detail).toMatchObject({ message: expect.stringContaining('zoom.obf_token_url: no complete answer within 10 s') });
    await bots.guest.waitForStatus('in_call_not_recording', 60_000);

    // What the meetings saw: the refused joins reached Zoom's SDK, the failed fetches never opened a page.
    expect(await sdkJoins(mExpired.id)).toEqual([{ zak: EXPIRED_ZAK, obf: null, join_token: null, ok: false, code: 3265 }]);
    expect(await sdkJoins(mSignature.id)).toEqual([{ zak: ZAK, obf: null, join_token: null, ok: false, code: 3712 }]);
    for (const m of [mBroken, mHang, mNoSdk]) expect((await client.get(m.id)).events.map((e) => e.type)).not.toContain('page_opened');
    expect(tokens.requestsTo('/no-sdk')).toEqual([]);
    const guest = await client.get(mGuest.id);
    expect(guest.events.map((e) => e.type)).toEqual(expect.arrayContaining(['join_clicked', 'join']));
    expect(guest.events.map((e) => e.type)).not.toContain('sdk_join');
    expect(readFileSync(join(bots.expired.outDir, 'failure', 'error.txt'), 'utf8')).toContain('ZoomMtg.join failed with 3265: Token error.');

    await bots.guest.stop();
    for (const [name, b] of Object.entries(bots)) expect([name, (await b.exited).code]).toEqual([name, name === 'guest' ? 0 : 1]);
    expectNowhere(Object.values(bots), [ZAK, EXPIRED_ZAK, SDK.sdk_secret]);
  });

  it('ends zoom_requires_rtms at the RTMS bot wall, seconds after the join', async () => {
    const m = await client.createMeeting({ platform: 'zoom', waiting_room: false, blocked: true });
    const b = startBot({ url: m.join_url, platform: 'zoom', body: { recording_settings: { format: 'none' } } });
    const fatal = await b.waitForStatus('fatal', 60_000);
    expect(fatal.sub_code).toBe('zoom_requires_rtms');
    const clicked = (await client.get(m.id)).events.find((e) => e.type === 'join_clicked')!;
    expect(Date.parse(fatal.created_at) - Date.parse(clicked.at)).toBeLessThan(10_000);
    expect(readFileSync(join(b.outDir, 'failure', 'page.html'), 'utf8')).toContain('must use Zoom RTMS');
    expect((await b.exited).code).toBe(1);
  });
});
