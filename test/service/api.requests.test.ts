import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { hostileCorpus } from '../helpers/hostileBodies.js';
import { startHarness } from '../helpers/serviceHarness.js';

// What a client can get wrong, or try on purpose: each gets its error, in the API's own shape, and starts no bot.

const MEET = 'https://meet.google.com/abc-defg-hij';

describe.each(testDatabases())('requests on $kind', (database) => {
  it('refuses a missing or unknown key, and shows another project only 404s', async () => {
    const h = await startHarness(await database.place());
    const acme = await h.key('acme');
    const other = await h.key('other');
    expect(await h.api(null, 'POST', '/api/v1/bot/', { meeting_url: MEET })).toEqual({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
    expect(await h.api('mb_nope', 'GET', '/api/v1/bot/')).toEqual({ status: 401, body: { detail: 'Invalid token.' } });
    expect(await h.api(null, 'POST', '/api/v1/bots', { meeting_url: MEET })).toEqual({ status: 401, body: { error: 'Authentication credentials were not provided.' } });

    const recall = (await h.api(acme, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id as string;
    const attendee = (await h.api(acme, 'POST', '/api/v1/bots', { meeting_url: MEET })).body.id as string;
    expect(await h.api(other, 'GET', `/api/v1/bot/${recall}/`)).toEqual({ status: 404, body: { detail: 'Not found.' } });
    expect(await h.api(other, 'POST', `/api/v1/bot/${recall}/leave_call/`)).toEqual({ status: 404, body: { detail: 'Not found.' } });
    expect(await h.api(other, 'GET', `/api/v1/bots/${attendee}`)).toEqual({ status: 404, body: { error: 'Bot not found' } });
    expect(await h.api(other, 'POST', `/api/v1/bots/${attendee}/send_chat_message`, { text: 'hi' })).toEqual({ status: 404, body: { error: 'Bot not found' } });
    expect((await h.api(other, 'GET', '/api/v1/bot/')).body.results).toEqual([]);
    expect((await h.api(acme, 'GET', `/api/v1/bot/${recall}/`)).status).toBe(200);
    // One API's id is not the other's.
    expect((await h.api(acme, 'GET', `/api/v1/bots/${recall}`)).status).toBe(404);
  });

  it("takes the seeds' own curl requests as written, and a body whatever its content type says", async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme');
    // Attendee's example request (seeds: "Request Example for post/api/v1/bots"), byte for byte apart from host and key.
    const seed = await fetch(`${h.service.url}/api/v1/bots`, {
      method: 'POST',
      headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
      body: '{\n  "meeting_url": "https://zoom.us/j/123?pwd=456",\n  "bot_name": "My Bot"\n}',
    });
    expect(seed.status).toBe(201);
    expect(await seed.json()).toMatchObject({ id: expect.stringMatching(/^bot_/), meeting_url: 'https://zoom.us/j/123?pwd=456', state: 'ready', transcription_state: 'not_started', recording_state: 'not_started' });
    // `curl -d` without a content type labels JSON as a form: it is still the body.
    const form = await fetch(`${h.service.url}/api/v1/bot/`, {
      method: 'POST',
      headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '{"meeting_url": "https://meet.google.com/abc-defg-hij", "bot_name": "My Bot"}',
    });
    expect(form.status).toBe(201);
  });

  it('answers every hostile body with its field, and a huge body with 413, launching nothing', async () => {
    const h = await startHarness(await database.place(), { maxConcurrentBots: 1000 });
    const key = await h.key('acme');
    let cases = 0;
    for (const c of hostileCorpus()) {
      const body = c.bytes ?? c.text;
      const res = await h.api(key, 'POST', '/api/v1/bot/', body);
      if (Buffer.byteLength(body) > 4 * 1024 * 1024) {
        expect(res.status, c.name).toBe(413);
        continue;
      }
      expect(res.status, c.name).toBe(400);
      const field = c.field === '(body)' ? 'non_field_errors' : c.field;
      expect(Object.keys(res.body).some((k) => k === field || k.startsWith(field + '.') || k.startsWith(field + '[')), `${c.name}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(true);
      cases++;
    }
    expect(cases).toBeGreaterThan(50);
    expect((await h.api(key, 'POST', '/api/v1/bots', 'x'.repeat(5 * 1024 * 1024))).status).toBe(413);
    expect(await h.api(key, 'POST', '/api/v1/bots', { meeting_url: 'https://evil.example/x' })).toEqual({ status: 400, body: { meeting_url: [expect.stringContaining('not a supported meeting platform')] } });
    expect((await h.api(key, 'GET', '/api/v1/bot/')).body.results).toEqual([]);
    expect(h.launcher.bots).toEqual([]);
  });

  it("refuses the other API's fields, a project past its live-bot limit (429), and a bad cursor; pages newest first", async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('small', { maxLiveBots: 3 });
    expect(await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET, automatic_leave_settings: {} })).toEqual({
      status: 400,
      body: { automatic_leave_settings: ['is an Attendee field; this API takes Recall.ai bodies'] },
    });
    expect((await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET, recording_config: {} })).body).toEqual({ recording_config: ['is a Recall.ai field; this API takes Attendee bodies'] });

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET, bot_name: `Bot ${i}` })).body.id);
    const refused = await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET });
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toMatch(/3 live bots/);

    const first = await h.api(key, 'GET', '/api/v1/bot/?page_size=2');
    expect(first.body.results.map((b: any) => b.bot_name)).toEqual(['Bot 2', 'Bot 1']);
    const next = new URL(first.body.next as string);
    const second = await h.api(key, 'GET', `/api/v1/bot/${next.search}`);
    expect(second.body.results.map((b: any) => b.bot_name)).toEqual(['Bot 0']);
    expect(second.body.next).toBeNull();
    expect((await h.api(key, 'GET', '/api/v1/bot/?cursor=bm90LWEtY3Vyc29y')).body).toEqual({ cursor: ['is not a cursor this API returned'] });
    expect((await h.api(key, 'GET', '/api/v1/bot/?status=done')).body.results).toEqual([]);

    // Only a bot that has not started can be deleted (Recall): one scheduled for later, not a launched one.
    await h.launcher.next(ids[0]!);
    expect((await h.api(key, 'DELETE', `/api/v1/bot/${ids[0]}/`)).status).toBe(409);
    const other = await h.key('later');
    const joinAt = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = (await h.api(other, 'POST', '/api/v1/bot/', { meeting_url: MEET, join_at: joinAt })).body;
    expect(scheduled.join_at).toBe(joinAt);
    expect((await h.api(other, 'DELETE', `/api/v1/bot/${scheduled.id}/`)).status).toBe(204);
    expect((await h.api(other, 'GET', `/api/v1/bot/${scheduled.id}/`)).status).toBe(404);
    expect(h.launcher.bots.map((b) => b.request.botId)).not.toContain(scheduled.id);
    const openapi = await h.api(null, 'GET', '/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/bot/', '/api/v1/bot/{id}/leave_call/', '/api/v1/bots', '/api/v1/bots/{id}/recording']));
  });
});
