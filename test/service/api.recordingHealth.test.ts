import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { startHarness, until, WebhookReceiver } from '../helpers/serviceHarness.js';

// A bot whose recording is unusable (here silent while participants spoke) reports `recording.failed` and ends
// `fatal` / recording_silent: the service sends both to the webhooks as Recall does, with the health report, and
// both APIs show the recording failed although its file is stored.

const MEET = 'https://meet.google.com/abc-defg-hij';
const HEALTH = { duration_sec: 30, wall_clock_sec: 30.2, gaps: [], audio: { silence_share: 1, speaking_sec: 22, silent_while_speaking_sec: 22 }, video: null };

/** The bot leaves a recording file and names it in its manifest: the service stores it. */
function storeRecording(bot: { outDir: string; channel: { reportManifest(m: unknown): void } | null }): void {
  writeFileSync(join(bot.outDir, 'recording.mp4'), Buffer.from('fake mp4 bytes '.repeat(100)));
  bot.channel!.reportManifest({ recording: { file: 'recording.mp4' } });
}

describe.each(testDatabases())('an unusable recording through the service on $kind', (database) => {
  it('Recall: recording.failed and bot.fatal reach the webhook in order with the health; the recording is failed with its sub_code', async () => {
    const receiver = await new WebhookReceiver().start();
    const h = await startHarness(await database.place());
    const key = await h.key('acme', { webhookUrl: receiver.url });
    const id: string = (await h.api(key, 'POST', '/api/v1/bot/', { meeting_url: MEET })).body.id;
    const bot = await h.launcher.next(id);
    bot.connect();
    for (const code of ['joining_call', 'in_call_not_recording', 'in_call_recording']) bot.status(code);
    bot.status('call_ended', 'call_ended_by_host');
    bot.report({ event: 'recording.failed', sub_code: 'recording_silent', reason: 'silent', file: 'recording.m4a', health: HEALTH });
    bot.report({ event: 'participant_events.leave', participant: { id: 'p1', name: 'Alice' } });
    bot.status('fatal', 'recording_silent');
    storeRecording(bot);
    await bot.end(1);

    const hooks = await until(async () => receiver.events(id), (e) => e.includes('bot.fatal'), 'the fatal webhook');
    expect(hooks.slice(-3)).toEqual(['bot.call_ended', 'recording.failed', 'bot.fatal']);
    expect(receiver.received.find((r) => r.body.event === 'recording.failed')!.body).toEqual({
      event: 'recording.failed',
      data: { data: { code: 'failed', sub_code: 'recording_silent', updated_at: expect.any(String) }, recording: { id, metadata: {}, health: HEALTH }, bot: { id, metadata: {} } },
    });
    // The file is stored (downloadable, to see why), and the recording is failed all the same.
    const got = await until(() => h.api(key, 'GET', `/api/v1/bot/${id}/`), (r) => Boolean(r.body.recordings[0]?.media_shortcuts.video_mixed?.data.download_url), 'the stored file');
    expect(got.body.recordings[0].status).toMatchObject({ code: 'failed', sub_code: 'recording_silent' });
    await receiver.close();
  });

  it('Attendee: fatal_error with the sub_code as sub_type, recording_state failed', async () => {
    const h = await startHarness(await database.place());
    const key = await h.key('acme');
    const id: string = (await h.api(key, 'POST', '/api/v1/bots', { meeting_url: MEET })).body.id;
    const bot = (await until(async () => h.launcher.bots[0], Boolean, 'a launch'))!;
    bot.connect();
    for (const code of ['joining_call', 'in_call_not_recording', 'in_call_recording']) bot.status(code);
    bot.status('call_ended', 'call_ended_by_host');
    bot.status('fatal', 'recording_frozen');
    storeRecording(bot);
    await bot.end(1);
    await until(() => h.api(key, 'GET', `/api/v1/bots/${id}/recording`), (r) => r.status === 200, 'the stored file');
    const ended = await until(() => h.api(key, 'GET', `/api/v1/bots/${id}`), (r) => r.body.state === 'fatal_error', 'fatal_error');
    expect(ended.body.events.at(-1)).toMatchObject({ type: 'fatal_error', sub_type: 'recording_frozen' });
    expect(ended.body.recording_state).toBe('failed');
  });
});
