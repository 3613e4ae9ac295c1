import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/mockSuite.js';
import { TokenServer } from '../helpers/tokenServer.js';

// On-behalf-of (OBF) Zoom bots (issue 19): Zoom admits one only while the user who authorised it is in the
// meeting and removes it when that user leaves (Recall's Zoom OBF guide, Zoom's OBF FAQ); Attendee tries again
// every 5 s until authorized_user_not_in_meeting_timeout_seconds. The real bot against the mock's Meeting SDK.

const { client, startBot } = useMockServer();
const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const SDK = { sdk_key: 'meetbot-test-sdk-key', sdk_secret: `sdk-secret-${randomBytes(9).toString('hex')}` };
/** Single-use tokens as a customer's endpoint mints them: a new one for every request. */
const MINTED = Array.from({ length: 10 }, (_, i) => `obf-minted-${i}-${randomBytes(6).toString('hex')}`);
const LISTED = [`obf-listed-a-${randomBytes(6).toString('hex')}`, `obf-listed-b-${randomBytes(6).toString('hex')}`];

let tokens: TokenServer;
beforeAll(async () => {
  tokens = (await TokenServer.start())
    .on('/obf', (_req, nth) => ({ status: 200, body: MINTED[nth]! }))
    .on('/callback', () => ({ status: 200, body: JSON.stringify({ onbehalf_token: LISTED.join(',') }) }));
});
afterAll(() => tokens.close());

const env = () => ({ MEETBOT_ZOOM_SDK_KEY: SDK.sdk_key, MEETBOT_ZOOM_SDK_SECRET: SDK.sdk_secret, MEETBOT_ZOOM_SDK_URL: `${client.url}/zoom-sdk/` });
const obfJoins = async (id: string) => (await client.get(id)).events.filter((e) => e.type === 'sdk_join').map((e) => ({ obf: e.detail!.obf, ok: e.detail!.ok }));

describe('zoom OBF bots', () => {
  it('waits while the authorising user is out, joins with a freshly minted token once they are in, and ends zoom_authorized_user_left when they leave', async () => {
    const m = await client.createMeeting({
      platform: 'zoom',
      waiting_room: false,
      participants: [ALICE],
      zoom_sdk: { ...SDK, obf_tokens: MINTED, authorized_user_present: false },
    });
    const b = startBot({ url: m.join_url, platform: 'zoom', env: env(), body: { zoom: { obf_token_url: tokens.url('/obf?user=u-1') }, recording_config: { video_mixed_mp4: null } } });
    await b.waitForEvent((e) => e.event === 'bot.waiting_for_host', 60_000);
    expect(await obfJoins(m.id)).toEqual([{ obf: MINTED[0], ok: false }]);
    expect(b.codes).toEqual(['joining_call']);

    await client.setAuthorizedUser(m.id, true);
    await b.waitForStatus('in_call_not_recording', 30_000);
    const joins = await obfJoins(m.id);
    // Every attempt had a token of its own; only the one after the user came in was let in.
    expect(joins.map((j) => j.obf)).toEqual(MINTED.slice(0, joins.length));
    expect(joins.map((j) => j.ok)).toEqual([...new Array<boolean>(joins.length - 1).fill(false), true]);
    expect(tokens.requestsTo('/obf').length).toBe(joins.length);

    await client.setAuthorizedUser(m.id, false);
    expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('zoom_authorized_user_left');
    expect((await b.exited).code).toBe(0);
    expect((await client.get(m.id)).events).toContainEqual(expect.objectContaining({ type: 'bot_left', detail: { by: 'authorized_user_left' } }));
  });

  it("gives up with zoom_authorized_user_not_in_meeting after authorized_user_not_in_meeting_timeout_seconds, trying Attendee's listed tokens in turn", async () => {
    const m = await client.createMeeting({ platform: 'zoom', waiting_room: false, zoom_sdk: { ...SDK, obf_tokens: LISTED, authorized_user_present: false } });
    const started = Date.now();
    const b = startBot({
      url: m.join_url,
      platform: 'zoom',
      env: env(),
      body: { callback_settings: { zoom_tokens_url: tokens.url('/callback') }, automatic_leave_settings: { authorized_user_not_in_meeting_timeout_seconds: 6 }, recording_settings: { format: 'none' } },
    });
    const fatal = await b.waitForStatus('fatal', 60_000);
    expect(fatal.sub_code).toBe('zoom_authorized_user_not_in_meeting');
    expect(Date.now() - started).toBeGreaterThan(6000);
    const joins = await obfJoins(m.id);
    expect(joins.length).toBeGreaterThanOrEqual(2);
    expect(joins).toEqual(joins.map((_, i) => ({ obf: LISTED[i % 2], ok: false })));
    expect(tokens.requestsTo('/callback')).toHaveLength(1);
    expect(existsSync(join(b.outDir, 'failure', 'screenshot.png'))).toBe(true);
    expect((await b.exited).code).toBe(1);
  });
});
