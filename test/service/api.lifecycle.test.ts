import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { startHarness, until, WebhookReceiver } from '../helpers/serviceHarness.js';

// The API against a fake launcher whose bots speak the real command channel: every state a bot reports reaches
// GET and the webhooks, commands reach the bot, and each API answers in its own shape. Each test runs on the
// embedded PGlite and on a real Postgres server.

const MEET = 'https://meet.google.com/abc-defg-hij';

describe.each(testDatabases())('the API on $kind', (database) => {
  it("runs the seed's Recall body: states through GET and signed webhooks, leave_call, send_chat_message", async () => {
    const receiver = await new WebhookReceiver().start();
    const h = await startHarness(await database.place());
    const key = await h.key('acme', { webhookUrl: receiver.url, webhookSecret: 'whsec_' + Buffer.from('k'.repeat(32)).toString('base64') });

    const created = await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET, bot_name: 'My Bot' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ bot_name: 'My Bot', meeting_url: { platform: 'google_meet', meeting_id: 'abc-defg-hij' }, recordings: [] });
    expect(created.body.status_changes.map((s: any) => s.code)).toEqual(['ready']);
    const id: string = created.body.id;

    const bot = await h.launcher.next(id);
    expect(bot.request.api).toBe('recall');
    expect(JSON.parse(bot.request.body)).toMatchObject({ meeting_url: MEET, bot_name: 'My Bot' });
    bot.connect();
    bot.status('joining_call');
    bot.status('in_waiting_room');
    bot.status('in_call_not_recording');
    bot.status('in_call_recording');
    const inCall = await until(() => h.api(key, 'GET', `/api/v1/bot/${id}/`), (r) => r.body.status_changes.length === 5, 'in_call_recording');
    expect(inCall.body.status_changes.map((s: any) => s.code)).toEqual(['ready', 'joining_call', 'in_waiting_room', 'in_call_not_recording', 'in_call_recording']);
    expect(inCall.body.recordings[0].status.code).toBe('processing');

    const chat = await h.api(key, 'POST', `/api/v1/bot/${id}/send_chat_message/`, { to: 'everyone', message: 'Hello from the API' });
    expect(chat.status).toBe(200);
    expect(bot.commands).toContainEqual({ kind: 'send_chat_message', text: 'Hello from the API' });

    bot.leavesOnCommand();
    const left = await h.api(key, 'POST', `/api/v1/bot/${id}/leave_call/`);
    expect(left.status).toBe(200);
    const done = await until(() => h.api(key, 'GET', `/api/v1/bot/${id}/`), (r) => r.body.status_changes.at(-1).code === 'done', 'done');
    expect(done.body.status_changes.at(-1).sub_code).toBe('bot_received_leave_call');

    const hooks = await until(async () => receiver.events(id), (e) => e.length === 7, 'seven webhooks');
    expect(hooks).toEqual(['bot.ready', 'bot.joining_call', 'bot.in_waiting_room', 'bot.in_call_not_recording', 'bot.in_call_recording', 'bot.call_ended', 'bot.done']);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(7);
    expect(receiver.received.every((r) => String(r.headers['webhook-signature']).startsWith('v1,'))).toBe(true);
    await receiver.close();
  });

  it("answers Attendee's shape: a bot_ id, state and events, chat messages and participant events, leave", async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme');
    const created = await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET, bot_name: 'My Bot', deduplication_key: 'weekly-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'ready', events: [], recording_state: 'not_started', transcription_state: 'not_started', deduplication_key: 'weekly-1' });
    expect(created.body.id).toMatch(/^bot_[A-Za-z0-9]{16}$/);
    const id: string = created.body.id;

    const again = await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET, deduplication_key: 'weekly-1' });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatch(/Deduplication key already in use/);

    const bot = (await until(async () => h.launcher.bots[0], Boolean, 'a launch'))!;
    expect(bot.request.api).toBe('attendee');
    expect(JSON.parse(bot.request.body).deduplication_key).toBeUndefined();
    bot.connect();
    bot.status('joining_call');
    bot.status('in_call_not_recording');
    bot.status('in_call_recording');
    bot.report({ event: 'participant_events.join', participant: { id: 'p1', name: 'Alice' } });
    bot.report({ event: 'participant_events.chat_message', participant: { id: 'p1', name: 'Alice' }, data: { text: 'hi bot', to: 'everyone' } });
    const joined = await until(() => h.api(key, 'GET', `/api/v1/bots/${id}`), (r) => r.body.state === 'joined_recording', 'joined_recording');
    expect(joined.body.events.map((e: any) => e.type)).toEqual(['join_requested', 'joined_meeting', 'recording_permission_granted']);
    expect(joined.body.recording_state).toBe('in_progress');

    const messages = await until(() => h.api(key, 'GET', `/api/v1/bots/${id}/chat_messages`), (r) => r.body.results.length === 1, 'a chat message');
    expect(messages.body.results[0]).toMatchObject({ text: 'hi bot', sender_name: 'Alice', to: 'everyone' });
    const pe = await h.api(key, 'GET', `/api/v1/bots/${id}/participant_events`);
    expect(pe.body.results).toEqual([expect.objectContaining({ participant_name: 'Alice', event_type: 'join' })]);

    bot.leavesOnCommand();
    expect((await h.api(key, 'POST', `/api/v1/bots/${id}/leave`)).status).toBe(200);
    const ended = await until(() => h.api(key, 'GET', `/api/v1/bots/${id}`), (r) => r.body.state === 'ended', 'ended');
    expect(ended.body.events.map((e: any) => [e.type, e.sub_type])).toEqual([
      ['join_requested', null],
      ['joined_meeting', null],
      ['recording_permission_granted', null],
      ['leave_requested', 'user_requested'],
      ['left_meeting', null],
      ['post_processing_completed', null],
    ]);
    // The key is free again once its bot has ended.
    expect((await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET, deduplication_key: 'weekly-1' })).status).toBe(201);
  });

  it('ends a bot fatal with a service sub_code when it cannot be launched or its process dies without a word', async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme');
    // A launch that fails is retried (with backoff); one that keeps failing ends the bot after the cap (2 retries here).
    h.launcher.failures = ['could not start meetbot: node was busy'];
    const retried = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id as string;
    await h.launcher.next(retried, 20_000);
    expect(h.launcher.attempts).toBe(2);
    h.launcher.failures = ['spawn ENOENT', 'spawn ENOENT', 'could not start meetbot: spawn ENOENT'];
    const a = await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET });
    const failed = await until(() => h.api(key, 'GET', `/api/v1/bot/${a.body.id}/`), (r) => r.body.status_changes.at(-1).code === 'fatal', 'fatal', 30_000);
    expect(failed.body.status_changes.at(-1)).toMatchObject({ sub_code: 'bot_not_launched', message: 'could not start meetbot: spawn ENOENT' });
    expect(h.launcher.attempts).toBe(5);

    const b = await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET });
    const bot = await h.launcher.next(b.body.id);
    bot.connect();
    bot.status('joining_call');
    await until(() => h.api(key, 'GET', `/api/v1/bot/${b.body.id}/`), (r) => r.body.status_changes.length === 2, 'joining_call');
    await bot.end(1);
    const died = await until(() => h.api(key, 'GET', `/api/v1/bot/${b.body.id}/`), (r) => r.body.status_changes.at(-1).code === 'fatal', 'fatal');
    expect(died.body.status_changes.at(-1)).toMatchObject({ sub_code: 'process_terminated', message: 'meetbot: unexpected error: boom' });

    // A bot whose launcher could not get it running at all (a pod that never started) was not launched.
    const c = await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET });
    await (await h.launcher.next(c.body.id)).end(1, true);
    const never = await until(() => h.api(key, 'GET', `/api/v1/bot/${c.body.id}/`), (r) => r.body.status_changes.at(-1).code === 'fatal', 'fatal');
    expect(never.body.status_changes.at(-1).sub_code).toBe('bot_not_launched');
  });

  it("leaves a bot that is not on its channel by stopping its process, and a bot not launched yet at once", async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme');
    const id = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id as string;
    await h.launcher.next(id);
    expect((await h.api(key, 'POST', `/api/v1/bot/${id}/leave_call/`)).status).toBe(200);
    await until(async () => h.launcher.stopped, (s) => s.length === 1, 'the stop');

    const other = await h.key('later');
    const scheduled = (await h.api(other, 'POST', '/api/v1/bots', { meeting_url: MEET, join_at: new Date(Date.now() + 3600_000).toISOString() })).body.id as string;
    const left = await h.api(other, 'POST', `/api/v1/bots/${scheduled}/leave`);
    expect(left.body.state).toBe('ended');
    expect((await h.api(other, 'POST', `/api/v1/bots/${scheduled}/leave`)).body).toEqual({ error: 'the bot has already ended (done)' });
  });
});
