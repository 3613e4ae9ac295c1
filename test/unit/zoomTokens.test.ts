import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoomSdkScripts, zoomSdkSettings, zoomSdkSignature } from '../../src/account/zoomSdk.js';
import { fetchZoomTokens, type TokenFetchOptions } from '../../src/account/zoomTokens.js';
import type { ZoomAuthSpec } from '../../src/config/botSpec.js';
import { parseWebhookSecret } from '../../src/events/statusWebhook.js';
import { ZoomSdkGate } from '../../fixtures/mock/zoomSdk.js';
import { runCliCapturing } from '../helpers/cliRun.js';
import { TokenServer } from '../helpers/tokenServer.js';

// The Zoom token URLs against a real loopback endpoint: what each answer means, the URL rules on every hop, the
// signed Attendee callback, and every token handed to the redaction before anything else sees it.

const SECRET = `whsec_${Buffer.from('meetbot-zoom-callback-key-0123456789').toString('base64')}`;
const ZAK = 'eyJ0eXAiOiJKV1QiLCJzdiI6IjAwMDAwMSJ9.zak-payload.zak-sig';
const OBF_1 = 'obf-token-aaaaaaaa-1';
const OBF_2 = 'obf-token-bbbbbbbb-2';

let server: TokenServer;
beforeAll(async () => {
  server = await TokenServer.start();
  server
    .on('/zak', () => ({ status: 200, body: `${ZAK}\n` }))
    .on('/none', () => ({ status: 404 }))
    .on('/broken', () => ({ status: 500, body: 'upstream exploded' }))
    .on('/hang', () => 'hang')
    .on('/huge', () => ({ status: 200, body: 'a'.repeat(20_000) }))
    .on('/html', () => ({ status: 200, body: '<html><body>Sign in</body></html>' }))
    .on('/to-private', () => ({ status: 302, headers: { location: 'http://10.0.0.7/zak' } }))
    .on('/to-zak', () => ({ status: 307, headers: { location: '/zak' } }))
    .on('/callback', () => ({ status: 200, body: JSON.stringify({ zak_token: ZAK, join_token: null, onbehalf_token: ` ${OBF_1}, ${OBF_2} ` }) }))
    .on('/callback-redirect', () => ({ status: 302, headers: { location: '/callback' } }))
    .on('/callback-bad', () => ({ status: 200, body: JSON.stringify({ zak_token: 42 }) }));
});
afterAll(() => server.close());

const auth = (o: Partial<ZoomAuthSpec>): ZoomAuthSpec => ({ zak_url: null, join_token_url: null, obf_token_url: null, tokens_callback_url: null, ...o });

function options(over: Partial<TokenFetchOptions> = {}): TokenFetchOptions & { learnt: string[] } {
  const learnt: string[] = [];
  return {
    allowLoopback: true,
    webhookKey: parseWebhookSecret(SECRET),
    bot: { id: 'bot-1', metadata: { team: 'sales' }, meetingUrl: 'https://zoom.us/j/85551234567?pwd=abc' },
    learn: (s) => learnt.push(s),
    learnt,
    ...over,
  };
}

describe('fetchZoomTokens', () => {
  it('GETs a plain-text token, keeping the URL query (its auth), and hands it to the redaction', async () => {
    const o = options();
    const tokens = await fetchZoomTokens(auth({ zak_url: server.url('/zak?api_key=k1&user=u2') }), o);
    expect(tokens).toEqual({ zak: ZAK, joinToken: null, obf: [] });
    expect(o.learnt).toEqual([ZAK]);
    const req = server.requestsTo('/zak').at(-1)!;
    expect(req).toMatchObject({ method: 'GET', path: '/zak?api_key=k1&user=u2' });
    expect(req.headers.authorization).toBeUndefined();
  });

  it('reads a 404 as "no token for this bot"', async () => {
    expect(await fetchZoomTokens(auth({ zak_url: server.url('/none'), obf_token_url: server.url('/none') }), options())).toEqual({ zak: null, joinToken: null, obf: [] });
  });

  it.each([
    ['a 500', '/broken', 'zoom.zak_url: answered HTTP 500'],
    ['an answer over the size cap', '/huge', 'zoom.zak_url: answered more than 16384 bytes'],
    ['a 200 that is not a token', '/html', 'zoom.zak_url: answered something that is not a token (33 characters)'],
    ['a redirect to a private host', '/to-private', 'zoom.zak_url: the redirect to http://10.0.0.7/zak points at a private or internal network host (10.0.0.7)'],
  ])('fails on %s, naming the field and never the answer', async (_what, path, message) => {
    const o = options();
    const failure = fetchZoomTokens(auth({ zak_url: server.url(path) }), o);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.not.toThrow(/upstream exploded|Sign in/);
    expect(o.learnt).toEqual([]);
  });

  it('gives up on an endpoint that does not answer within the timeout', async () => {
    const started = Date.now();
    await expect(fetchZoomTokens(auth({ obf_token_url: server.url('/hang') }), options({ timeoutMs: 300 }))).rejects.toThrow('zoom.obf_token_url: no complete answer within 0.3 s');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('follows a redirect that obeys the rules', async () => {
    expect((await fetchZoomTokens(auth({ join_token_url: server.url('/to-zak') }), options())).joinToken).toBe(ZAK);
  });

  it('refuses http and loopback without the operator switch, before sending anything', async () => {
    const before = server.requests.length;
    await expect(fetchZoomTokens(auth({ zak_url: server.url('/zak') }), options({ allowLoopback: false }))).rejects.toThrow(/zoom.zak_url: the URL points at a loopback address/);
    expect(server.requests.length).toBe(before);
  });

  it("POSTs Attendee's callback body, signed the Standard Webhooks way, and splits the on-behalf tokens", async () => {
    const o = options();
    const tokens = await fetchZoomTokens(auth({ tokens_callback_url: server.url('/callback') }), o);
    expect(tokens).toEqual({ zak: ZAK, joinToken: null, obf: [OBF_1, OBF_2] });
    expect(o.learnt).toEqual(expect.arrayContaining([ZAK, OBF_1, OBF_2]));
    const req = server.requestsTo('/callback').at(-1)!;
    expect(req.method).toBe('POST');
    expect(JSON.parse(req.body)).toEqual({ bot_id: 'bot-1', bot_metadata: { team: 'sales' }, callback_type: 'zoom_tokens', meeting_url: 'https://zoom.us/j/85551234567?pwd=abc' });
    expect(new Webhook(SECRET).verify(req.body, req.headers)).toEqual(JSON.parse(req.body));
    expect(() => new Webhook(`whsec_${Buffer.from('another key').toString('base64')}`).verify(req.body, req.headers)).toThrow();
  });

  it('sends the callback unsigned without a webhook secret, never on through a redirect, and refuses a bad answer', async () => {
    await fetchZoomTokens(auth({ tokens_callback_url: server.url('/callback') }), options({ webhookKey: null }));
    expect(server.requestsTo('/callback').at(-1)!.headers['webhook-signature']).toBeUndefined();
    const redirected = server.requestsTo('/callback').length;
    await expect(fetchZoomTokens(auth({ tokens_callback_url: server.url('/callback-redirect') }), options())).rejects.toThrow('callback_settings.zoom_tokens_url: answered HTTP 302');
    expect(server.requestsTo('/callback').length).toBe(redirected);
    await expect(fetchZoomTokens(auth({ tokens_callback_url: server.url('/callback-bad') }), options())).rejects.toThrow('its zak_token is not a string');
  });
});

describe('the Meeting SDK settings and signature', () => {
  it('reads the operator settings; key and secret go together', () => {
    expect(zoomSdkSettings({})).toBeNull();
    expect(zoomSdkSettings({ MEETBOT_ZOOM_SDK_KEY: 'k', MEETBOT_ZOOM_SDK_SECRET: 's' })).toEqual({ key: 'k', secret: 's', url: 'https://source.zoom.us/', version: '5.1.4' });
    expect(() => zoomSdkSettings({ MEETBOT_ZOOM_SDK_KEY: 'k' })).toThrow('MEETBOT_ZOOM_SDK_KEY and MEETBOT_ZOOM_SDK_SECRET go together');
    expect(() => zoomSdkSettings({ MEETBOT_ZOOM_SDK_KEY: 'k', MEETBOT_ZOOM_SDK_SECRET: 's', MEETBOT_ZOOM_SDK_VERSION: 'latest' })).toThrow('MEETBOT_ZOOM_SDK_VERSION');
    const custom = zoomSdkSettings({ MEETBOT_ZOOM_SDK_KEY: 'k', MEETBOT_ZOOM_SDK_SECRET: 's', MEETBOT_ZOOM_SDK_URL: 'https://cdn.example.com/zoom', MEETBOT_ZOOM_SDK_VERSION: '6.2.0' })!;
    expect(zoomSdkScripts(custom)).toEqual([
      'https://cdn.example.com/zoom/6.2.0/lib/vendor/react.min.js',
      'https://cdn.example.com/zoom/6.2.0/lib/vendor/react-dom.min.js',
      'https://cdn.example.com/zoom/6.2.0/lib/vendor/redux.min.js',
      'https://cdn.example.com/zoom/6.2.0/lib/vendor/redux-thunk.min.js',
      'https://cdn.example.com/zoom/6.2.0/lib/vendor/lodash.min.js',
      'https://cdn.example.com/zoom/zoom-meeting-6.2.0.min.js',
    ]);
  });

  it('signs an HS256 JWT (role 0, two hours) that a meeting checking with the same app accepts and another app refuses', () => {
    const signature = zoomSdkSignature({ key: 'KEY1', secret: 'SECRET1' }, '85551234567');
    const [header, payload] = signature.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ appKey: 'KEY1', sdkKey: 'KEY1', mn: '85551234567', role: 0 });
    expect((payload!.exp as number) - (payload!.iat as number)).toBe(7200);
    const join = { sdk_key: 'KEY1', signature, passcode: '' };
    expect(new ZoomSdkGate({ sdk_key: 'KEY1', sdk_secret: 'SECRET1' }).check(join, { number: '85551234567', passcode: null })).toMatchObject({ ok: true });
    expect(new ZoomSdkGate({ sdk_key: 'KEY1', sdk_secret: 'other' }).check(join, { number: '85551234567', passcode: null })).toMatchObject({ ok: false, code: 3712 });
    expect(new ZoomSdkGate({ sdk_key: 'KEY1', sdk_secret: 'SECRET1' }).check(join, { number: '85550000000', passcode: null })).toMatchObject({ ok: false, code: 3712 });
  });
});

describe('meetbot join with Zoom token URLs', () => {
  const BODY = JSON.stringify({ meeting_url: 'https://zoom.us/j/85551234567', zoom: { zak_url: 'https://tokens.acme.example/zak?key=k1' } });
  const SDK_ENV = { MEETBOT_ZOOM_SDK_KEY: 'key-1', MEETBOT_ZOOM_SDK_SECRET: 'secret-1' };
  const cli = (args: string[], env: NodeJS.ProcessEnv) => runCliCapturing(['join', '--out', '<out>', ...args], { BOT_CONFIG: BODY, ...env });

  it('hands the runtime the SDK app and the spec its token URLs', async () => {
    const r = await cli([], SDK_ENV);
    expect(r.opts?.zoomSdk).toEqual({ key: 'key-1', secret: 'secret-1', url: 'https://source.zoom.us/', version: '5.1.4' });
    expect(r.spec?.zoom_auth).toEqual({ zak_url: 'https://tokens.acme.example/zak?key=k1', join_token_url: null, obf_token_url: null, tokens_callback_url: null });
  });

  it.each([
    ['a key without its secret', [], { MEETBOT_ZOOM_SDK_KEY: 'key-1' }, 'MEETBOT_ZOOM_SDK_KEY and MEETBOT_ZOOM_SDK_SECRET go together'],
    ['a trace of a bot that fetches tokens', ['--trace'], SDK_ENV, '--trace would record the Zoom tokens the bot fetches'],
  ])('%s is a usage error (exit 2), and no bot starts', async (_case, args, env, message) => {
    const r = await cli(args, env);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.opts).toBeNull();
  });

  it('refuses a token URL on an internal host or over http before anything starts', async () => {
    const body = JSON.stringify({ meeting_url: 'https://zoom.us/j/85551234567', zoom: { obf_token_url: 'http://10.1.2.3/obf' } });
    const r = await runCliCapturing(['join', '--out', '<out>'], { BOT_CONFIG: body, ...SDK_ENV });
    expect(r.code).toBe(2);
    expect(r.err).toContain('zoom.obf_token_url');
    expect(r.err).toContain('points at a private or internal network host (10.1.2.3)');
  });
});
