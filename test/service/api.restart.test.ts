import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { startHarness, until, WebhookReceiver } from '../helpers/serviceHarness.js';
import { TestS3 } from '../helpers/testS3.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';

// A restart of the service while a bot runs loses nothing and sends nothing twice; the recording downloads
// through a short-lived link that cannot be forged; deleting it deletes the file.

const MEET = 'https://meet.google.com/abc-defg-hij';

describe.each(testDatabases())('the service on $kind', (database) => {
  it('restarts under a recording bot: its events while the service was down arrive once, webhooks once each', async () => {
    const receiver = await new WebhookReceiver().start();
    const h = await startHarness(await database.place());
    const key = await h.key('acme', { webhookUrl: receiver.url });
    const id = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id as string;
    const bot = await h.launcher.next(id);
    bot.connect();
    bot.status('joining_call');
    bot.status('in_call_recording');
    await until(async () => receiver.events(id), (e) => e.length === 3, 'three webhooks');

    await h.service.close();
    // Said while nobody listens: kept by the bot's channel and sent again.
    bot.report({ event: 'participant_events.join', participant: { id: 'p1', name: 'Alice' } });
    bot.report({ event: 'participant_events.chat_message', participant: { id: 'p1', name: 'Alice' }, data: { text: 'are you recording?', to: 'everyone' } });
    await h.restart();
    bot.status('call_ended', 'call_ended_by_host');
    bot.status('done', 'call_ended_by_host');
    await bot.end();

    const done = await until(() => h.api(key, 'GET', `/api/v1/bot/${id}/`), (r) => r.body.status_changes.at(-1)?.code === 'done', 'done');
    expect(done.body.status_changes.map((s: any) => s.code)).toEqual(['ready', 'joining_call', 'in_call_recording', 'call_ended', 'done']);
    const rows = await h.service.db.query<{ bot_seq: number | null; event: string }>('SELECT bot_seq, event FROM bot_events WHERE bot_id = $1 ORDER BY id', [id]);
    expect(rows.map((r) => r.bot_seq)).toEqual([null, 1, 2, 3, 4, 5, 6]);
    expect(rows.map((r) => r.event)).toContain('participant_events.chat_message');
    const hooks = await until(async () => receiver.events(id), (e) => e.length >= 5, 'five webhooks');
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.events(id)).toEqual(['bot.ready', 'bot.joining_call', 'bot.in_call_recording', 'bot.call_ended', 'bot.done']);
    expect(hooks.length).toBe(5);
    await receiver.close();
  });

  it('finds its running bots again after a restart, and ends the ones that are gone with a sub_code', async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme');
    const stays = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id as string;
    const goes = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id as string;
    const running = await h.launcher.next(stays);
    const gone = await h.launcher.next(goes);
    running.connect();
    running.status('joining_call');
    await until(() => h.api(key, 'GET', `/api/v1/bot/${stays}/`), (r) => r.body.status_changes.length === 2, 'joining_call');
    await h.service.close();
    h.launcher.bots.splice(h.launcher.bots.indexOf(gone), 1); // its process is gone: the launcher cannot find it
    await h.restart();
    const lost = await until(() => h.api(key, 'GET', `/api/v1/bot/${goes}/`), (r) => r.body.status_changes.at(-1)?.code === 'fatal', 'fatal');
    expect(lost.body.status_changes.at(-1)).toMatchObject({ sub_code: 'process_terminated', message: 'the bot was gone when the service restarted' });
    running.status('in_call_recording');
    const found = await until(() => h.api(key, 'GET', `/api/v1/bot/${stays}/`), (r) => r.body.status_changes.length === 3, 'in_call_recording');
    expect(found.body.status_changes.at(-1).code).toBe('in_call_recording');
  });

  it('stores nothing past a report it could not store: the bot sends it again and the order holds', async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme');
    const id = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id as string;
    const bot = await h.launcher.next(id);
    // The store of the bot's second report fails once (a full disk, a lost connection): the third, already on its
    // way on the same connection, must not be stored before it.
    const db = h.service.db as { tx: (fn: (tx: any) => Promise<unknown>) => Promise<unknown> };
    const tx = db.tx.bind(db);
    let failed = false;
    db.tx = (fn) =>
      tx((inner) =>
        fn({
          ...inner,
          query: (sql: string, params?: unknown[]) => {
            if (!failed && sql.includes('INSERT INTO bot_events') && params?.[1] === 2) {
              failed = true;
              return Promise.reject(new Error('could not write'));
            }
            return inner.query(sql, params);
          },
        }),
      );
    bot.connect();
    bot.status('joining_call');
    bot.status('in_waiting_room');
    bot.status('in_call_recording');
    const stored = await until(
      () => h.service.db.query<{ bot_seq: number | null }>('SELECT bot_seq FROM bot_events WHERE bot_id = $1 ORDER BY id', [id]),
      (rows) => rows.length === 4,
      'four events',
    );
    expect(failed).toBe(true);
    expect(stored.map((r) => r.bot_seq)).toEqual([null, 1, 2, 3]);
  });

  it('downloads the recording through a signed, expiring link; a forged link is refused; delete_data removes it', async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme');
    const id = (await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET })).body.id as string;
    const bot = (await until(async () => h.launcher.bots[0], Boolean, 'a launch'))!;
    bot.connect();
    bot.status('joining_call');
    bot.status('in_call_recording');
    const early = await until(() => h.api(key, 'GET', `/api/v1/bots/${id}/recording`), (r) => r.status === 404, 'not ready');
    expect(early.body.error).toMatch(/not ready yet/);
    const bytes = Buffer.from('fake mp4 bytes '.repeat(100));
    writeFileSync(join(bot.outDir, 'recording.mp4'), bytes);
    bot.status('call_ended', 'call_ended_by_host');
    bot.status('done', 'call_ended_by_host');
    bot.channel!.reportManifest({ recording: { file: 'recording.mp4' } });
    await bot.end();

    const link = await until(() => h.api(key, 'GET', `/api/v1/bots/${id}/recording`), (r) => r.status === 200, 'the link');
    const res = await fetch(link.body.url as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const forged = new URL(link.body.url as string);
    forged.searchParams.set('expires', String(Number(forged.searchParams.get('expires')) + 3600));
    expect((await fetch(forged)).status).toBe(403);
    expect((await h.api(key, 'GET', `/api/v1/bots/${id}`)).body.recording_state).toBe('complete');

    const deleted = await h.api(key, 'POST', `/api/v1/bots/${id}/delete_data`);
    expect(deleted.body.state).toBe('data_deleted');
    expect((await fetch(link.body.url as string)).status).toBe(404);
    expect((await h.api(key, 'GET', `/api/v1/bots/${id}/recording`)).status).toBe(404);
  });

  it('serves a recording that is only in the bucket (a bot in a pod) through a presigned link', async () => {
    const s3 = await TestS3.start();
    Object.assign(process.env, s3.env);
    try {
      const h = await startHarness(await database.place(), { objectStore: s3.settings });
      const key = await h.key('acme');
      const id = (await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET })).body.id as string;
      const bot = (await until(async () => h.launcher.bots[0], Boolean, 'a launch'))!;
      const bytes = Buffer.from('uploaded mp4 bytes '.repeat(50));
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'acme/call.mp4', Body: bytes }));
      bot.connect();
      bot.status('joining_call');
      bot.status('in_call_recording');
      bot.status('call_ended', 'call_ended_by_host');
      bot.status('done', 'call_ended_by_host');
      // No recording.mp4 in its folder: only the upload's record.
      bot.channel!.reportManifest({ recording: { file: 'recording.mp4' }, uploads: [{ file: 'recording.part000.mp4', status: 'uploaded', uri: `s3://${s3.bucket}/acme/call.mp4`, size_bytes: bytes.length }] });
      await bot.end();
      const link = await until(() => h.api(key, 'GET', `/api/v1/bots/${id}/recording`), (r) => r.status === 200, 'the link');
      const res = await fetch(link.body.url as string, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toContain('X-Amz-Signature=');
      const object = await fetch(res.headers.get('location')!);
      expect(Buffer.from(await object.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      for (const k of Object.keys(s3.env)) delete process.env[k];
      await s3.close();
    }
  });
});

