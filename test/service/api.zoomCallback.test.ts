import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { startHarness, until } from '../helpers/serviceHarness.js';

// Attendee signs its zoom_tokens_url callback with the project's webhook secret. A bot the service starts signs
// it the same way: it is given that secret, and only a bot whose body has such a callback is.

const WHSEC = 'whsec_' + Buffer.from('p'.repeat(32)).toString('base64');
const ZOOM = 'https://zoom.us/j/85551234567?pwd=AbC123';

describe.each(testDatabases())('the Zoom tokens callback on $kind', (database) => {
  it("gives a bot with callback_settings the project's webhook secret, and other bots nothing", async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme', { webhookUrl: 'https://hooks.acme.example/meetbot', webhookSecret: WHSEC });
    const body = { meeting_url: ZOOM, bot_name: 'With callback', callback_settings: { zoom_tokens_url: 'https://tokens.acme.example/zoom' } };
    expect((await h.api(key, 'POST', '/api/v1/bots', body)).status).toBe(201);
    expect((await h.api(key, 'POST', '/api/v1/bots', { meeting_url: ZOOM, bot_name: 'Plain' })).status).toBe(201);
    const launches = await until(async () => h.launcher.bots.map((b) => b.request), (l) => l.length === 2, 'two launches');
    const secretOf = (name: string) => launches.find((r) => (JSON.parse(r.body) as { bot_name: string }).bot_name === name)?.callbackSecret;
    expect(secretOf('With callback')).toBe(WHSEC);
    expect(secretOf('Plain')).toBeNull();
  });
});
