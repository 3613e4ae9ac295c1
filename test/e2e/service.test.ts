import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toneEnergy } from '../../fixtures/media/audio.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { createKey, ServeProcess } from '../helpers/serveProcess.js';
import { WebhookReceiver } from '../helpers/serviceHarness.js';
import { durationSec } from '../helpers/meetingChecks.js';

// The seed's curl body against a real `meetbot serve`: real bots (meetbot join processes the service starts) in
// the mock Meet, followed through GET and webhooks, commanded over their channel, and a service killed and
// restarted while its bot records.

const { client } = useMockServer();
const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000 };
const dirs: string[] = [];
const services: ServeProcess[] = [];

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'meetbot-serve-'));
  dirs.push(d);
  return d;
}

function serve(dir: string, port = 0): ServeProcess {
  const s = new ServeProcess(dir, ['--allow-loopback', '--platform', 'google_meet', '--log-level', 'warn'], port);
  services.push(s);
  return s;
}

afterAll(async () => {
  for (const s of services) if (s.proc.exitCode === null) await s.kill('SIGKILL');
  // Bots outlive their service on purpose (they reconnect to the next one); the test's own are stopped here,
  // found by their output folder on the command line. Their own children die with them (pdeathsig).
  for (const d of dirs) {
    spawnSync('pkill', ['-KILL', '-f', `${join(d, 'bots')}/`]);
    rmSync(d, { recursive: true, force: true });
  }
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe('meetbot serve', () => {
  // The seed's run and the hostile requests side by side: each test has its own data folder, key and service, and the
  // second starts no bot. They use the global expect: a failed assertion throws into the test that awaited it, and
  // neither uses snapshots or expect.assertions.
  describe.concurrent('a bot run, and requests that start none', () => {
    it("runs the seed's curl body: the bot joins, GET and webhooks follow it, chat reaches the meeting, a killed service loses nothing, leave ends it, the recording downloads", async () => {
      const receiver = await new WebhookReceiver().start();
      const dir = dataDir();
      const key = await createKey(dir, 'acme', ['--webhook-url', receiver.url]);
      let service = serve(dir);
      const m = await client.createMeeting({ platform: 'google_meet', participants: [ALICE, BOB] });

      const created = await service.api(key, 'POST', '/api/v1/bot/', { meeting_url: m.join_url, bot_name: 'My Bot' });
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      await service.until(key, `/api/v1/bot/${id}/`, (b) => b.status_changes.at(-1).code === 'in_waiting_room', 'in_waiting_room');
      const knock = await client.waitFor(m.id, (v) => v.bot.status === 'knocking', 10_000, 'the knock');
      expect(knock.joined_names).toContain('My Bot');
      await client.admit(m.id);
      await service.until(key, `/api/v1/bot/${id}/`, (b) => b.status_changes.at(-1).code === 'in_call_recording', 'in_call_recording');
      const recordingSeenAt = Date.now();

      const chat = await service.api(key, 'POST', `/api/v1/bot/${id}/send_chat_message/`, { to: 'everyone', message: 'Hello from the API' });
      expect(chat.status).toBe(200);
      const seen = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 20_000, 'the chat message');
      expect(seen.chat_received.map((c) => c.text)).toEqual(['Hello from the API']);

      // The service dies while its bot records; what the bot reports meanwhile waits in its channel.
      const port = Number(new URL(await service.url).port);
      await service.kill('SIGKILL');
      await client.chat(m.id, ALICE.name, 'did the service just die?');
      await new Promise((r) => setTimeout(r, 3000));
      service = serve(dir, port);
      await service.until(key, `/api/v1/bot/${id}/`, (b) => b.status_changes.at(-1).code === 'in_call_recording', 'the restarted service');
      await new Promise((r) => setTimeout(r, 3000));

      const recordedAtLeast = (Date.now() - recordingSeenAt) / 1000;
      expect((await service.api(key, 'POST', `/api/v1/bot/${id}/leave_call/`)).status).toBe(200);
      const done = await service.until(key, `/api/v1/bot/${id}/`, (b) => b.status_changes.at(-1).code === 'done', 'done', 60_000);
      expect(done.status_changes.map((s: any) => s.code)).toEqual(['ready', 'joining_call', 'in_waiting_room', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done']);
      expect(done.status_changes.at(-2).sub_code).toBe('bot_received_leave_call');

      // Nothing the bot reported was lost, and no webhook went out twice.
      const botEvents = readFileSync(join(dir, 'bots', id, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; code?: string });
      expect(botEvents.filter((e) => e.code).map((e) => e.code)).toEqual(done.status_changes.slice(1).map((s: any) => s.code));
      expect(botEvents.some((e) => e.event === 'participant_events.chat_message')).toBe(true);
      // The statuses, and the recording's own outcome (Recall's recording.done) right before the last one.
      const statuses = done.status_changes.map((s: any) => `bot.${s.code}`);
      const want = [...statuses.slice(0, -1), 'recording.done', statuses.at(-1)];
      for (let i = 0; i < 100 && receiver.events(id).length < want.length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(receiver.events(id)).toEqual(want);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(receiver.received.length);

      const url = done.recordings[0].media_shortcuts.video_mixed.data.download_url as string;
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const file = join(dir, 'downloaded.mp4');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const seconds = await durationSec(file);
      // The recording went on while the service was down: it covers at least the time the test saw it recording.
      expect(seconds).toBeGreaterThan(recordedAtLeast - 0.5);
      for (const tone of [ALICE.tone_hz, BOB.tone_hz]) expect(await toneEnergy(file, tone, 2, seconds - 0.5)).toBeGreaterThan(0.01);
      await receiver.close();
      await service.kill('SIGTERM');
    });

    // (A body over the limit gets 413 in test/service/api.requests.test.ts; over a real socket the client may see the
    // connection closed before it finished sending.)
    it('answers hostile requests with their error and starts no bot', async () => {
      const dir = dataDir();
      const key = await createKey(dir, 'acme');
      const other = await createKey(dir, 'other');
      const service = serve(dir);
      const m = await client.createMeeting({ platform: 'google_meet', participants: [ALICE] });
      expect((await service.api(null, 'POST', '/api/v1/bot/', { meeting_url: m.join_url })).status).toBe(401);
      expect((await service.api('mb_wrong', 'POST', '/api/v1/bots', { meeting_url: m.join_url })).status).toBe(401);
      expect((await service.api(key, 'POST', '/api/v1/bot/', '{"meeting_url": ')).body).toEqual({ non_field_errors: [expect.stringMatching(/not valid JSON/)] });
      expect((await service.api(key, 'POST', '/api/v1/bots', { meeting_url: m.join_url, bot_name: 'a\u0000b' })).body).toHaveProperty('bot_name');
      expect((await service.api(other, 'GET', '/api/v1/bot/00000000-0000-4000-8000-000000000000/')).status).toBe(404);
      await new Promise((r) => setTimeout(r, 2000));
      expect(readdirSafe(join(dir, 'bots'))).toEqual([]);
      expect((await client.waitFor(m.id, () => true)).bot.status).not.toBe('knocking');
      await service.kill('SIGTERM');
    });
  });

  it('starts a scheduled bot warm and clicks join within 1 s of its join_at', async () => {
    const dir = dataDir();
    const key = await createKey(dir, 'acme');
    const service = new ServeProcess(dir, ['--allow-loopback', '--platform', 'google_meet', '--log-level', 'warn', '--warm-start', '8']);
    services.push(service);
    const m = await client.createMeeting({ platform: 'google_meet', participants: [ALICE] });
    // Launched 8 s before join_at (--warm-start 8), 3 s from now: time enough for the create call to answer first.
    const joinAt = new Date(Date.now() + 11_000).toISOString();
    const created = await service.api(key, 'POST', '/api/v1/bots', { meeting_url: m.join_url, bot_name: 'On Time', join_at: joinAt });
    expect(created.body.state).toBe('scheduled');
    const knocked = await client.waitFor(m.id, (v) => v.events.some((e) => e.type === 'bot_knocking'), 40_000, 'the knock');
    const at = (type: string) => Date.parse(knocked.events.find((e) => e.type === type)!.at);
    // Warm: at the pre-join screen before join_at; on time: the join click within 1 s after it.
    expect(at('bot_prejoin')).toBeLessThan(Date.parse(joinAt));
    expect(at('bot_knocking') - Date.parse(joinAt)).toBeGreaterThanOrEqual(0);
    expect(at('bot_knocking') - Date.parse(joinAt)).toBeLessThan(1000);
    expect((await service.api(key, 'POST', `/api/v1/bots/${created.body.id}/leave`)).status).toBe(200);
    await service.until(key, `/api/v1/bots/${created.body.id}`, (b) => b.state === 'ended', 'ended');
    await service.kill('SIGTERM');
  });
});
