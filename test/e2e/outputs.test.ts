import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/mockSuite.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { WebhookReceiver, WsReceiver, waitFor, type ReceivedRequest } from '../helpers/receivers.js';
import { goertzel, pcmFromS16 } from '../../fixtures/media/audio.js';
import { execMedia } from '../../fixtures/media/exec.js';

// The outputs of a real bot (the compiled CLI in its own process) in the Google Meet mock, read by real
// receivers on loopback: status webhooks checked with the independent `standardwebhooks` package, realtime
// websocket endpoints in Recall's and Attendee's dialects, and the files of the output folder.

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const SECRET_KEY = SECRET.slice('whsec_'.length);
/** Tokens in receiver URLs' queries: like the secret, they must never reach the output folder or logs. */
const HOOK_TOKEN = `hooktoken${randomBytes(6).toString('hex')}`;
const WS_TOKEN = `wstoken${randomBytes(6).toString('hex')}`;

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000 };
/** A frequency nobody plays: the noise floor of every tone check. */
const ABSENT_HZ = 700;

const { client, startBot } = useMockServer();
const receivers: { down(): Promise<void> }[] = [];

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.down()));
});

async function webhookReceiver(): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start();
  receivers.push(r);
  return r;
}

async function wsReceiver(): Promise<WsReceiver> {
  const r = await WsReceiver.start();
  receivers.push(r);
  return r;
}

function bot(url: string, body: Record<string, unknown>, env: NodeJS.ProcessEnv): BotProcess {
  return startBot({ url, platform: 'google_meet', body, env: { MEETBOT_WEBHOOK_SECRET: SECRET, ...env } });
}

type Json = Record<string, any>;

function readJsonLines(file: string): Json[] {
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Json);
}

/** Verifies a delivery with the receiver's own library; throws when the signature or timestamp is wrong. */
function verified(req: ReceivedRequest): Json {
  return new Webhook(SECRET).verify(req.body, req.headers) as Json;
}

/** Every file of the output folder, recursively (failure/ included when present). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** No secret or URL token in any file of the output folder (the recording too), on stdout or stderr. */
function expectNoSecrets(b: BotProcess, ...tokens: string[]): void {
  const stdout = JSON.stringify(b.events);
  for (const s of [SECRET, SECRET_KEY, ...tokens]) {
    expect(b.stderr).not.toContain(s);
    expect(stdout).not.toContain(s);
    for (const f of filesUnder(b.outDir)) {
      expect(readFileSync(f).includes(s), `${s.slice(0, 10)}... in ${f}`).toBe(false);
    }
  }
}

/** Amplitude of `hz` in PCM, relative to the noise floor at ABSENT_HZ. */
function tones(pcm: Buffer, sampleRate: number, hzs: number[]): Record<number, number> {
  const { samples } = pcmFromS16(pcm, sampleRate);
  return Object.fromEntries([...hzs, ABSENT_HZ].map((hz) => [hz, goertzel(samples, sampleRate, hz)]));
}

function deliveryRecords(outDir: string): Json[] {
  const file = join(outDir, 'events.jsonl');
  return existsSync(file) ? readJsonLines(file).filter((e) => e.event === 'webhook.delivery') : [];
}

const NORMAL_LIFE_WITH_LOBBY = ['joining_call', 'in_waiting_room', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done'];
const NORMAL_LIFE = ['joining_call', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done'];
/** The webhooks of a life: each status, and the recording's `recording.done` just before the final `bot.done`. */
const webhookEvents = (codes: string[]) => codes.flatMap((c) => (c === 'done' ? ['recording.done', 'bot.done'] : [`bot.${c}`]));

describe('outputs of a real bot run', () => {
  it('Recall body: signed status webhooks in order with metadata, realtime audio with the participants’ tones, participant and chat events, and the output folder', async () => {
    const hooks = await webhookReceiver();
    const rt = await wsReceiver();
    const m = await client.createMeeting({ platform: 'google_meet', participants: [ALICE, BOB], auto_admit_ms: 1000 });
    const metadata = { customer: 'acme', ticket: 'T-42' };
    const joinMessage = 'This meeting is recorded by the notetaker.';
    const b = bot(
      m.join_url,
      {
        bot_name: 'Outputs Notetaker',
        metadata,
        chat: { on_bot_join: { send_to: 'everyone', message: joinMessage } },
        recording_config: {
          audio_mixed_raw: {},
          realtime_endpoints: [
            {
              type: 'websocket',
              url: rt.url(`?token=${WS_TOKEN}`),
              events: ['audio_mixed_raw.data', 'participant_events.join', 'participant_events.leave', 'participant_events.chat_message'],
            },
          ],
        },
      },
      { MEETBOT_WEBHOOK_URL: hooks.url('/hook', `?token=${HOOK_TOKEN}`) },
    );

    const recall = (event: string) => rt.json<Json>().filter((f) => f.event === event);
    const named = (event: string, name: string) => recall(event).some((f) => f.data.data.participant.name === name);
    await b.waitForStatus('in_call_recording', 90_000);
    await waitFor('both join events', () => named('participant_events.join', ALICE.name) && named('participant_events.join', BOB.name), 20_000);
    // Alice answers as soon as the meeting shows the bot's join message.
    await client.waitFor(m.id, (v) => v.chat_received.length > 0, 20_000, 'the bot chat message');
    const question = 'Can the notetaker hear me? ünïcödé & <tags>';
    await client.chat(m.id, ALICE.name, question);
    await waitFor('the chat message', () => recall('participant_events.chat_message').length > 0, 20_000);
    // Six seconds of realtime audio (16 kHz S16LE: 32,000 bytes a second), with both participants speaking.
    const audioBytes = () => recall('audio_mixed_raw.data').reduce((n, f) => n + Buffer.from(f.data.data.buffer, 'base64').length, 0);
    await waitFor('6 s of realtime audio', () => audioBytes() >= 6 * 32_000, 20_000);
    const beforeLeave = recall('audio_mixed_raw.data').length;
    await client.removeParticipant(m.id, m.participant_ids[1]!);
    await waitFor('Bob’s leave event', () => named('participant_events.leave', BOB.name), 20_000);
    await client.end(m.id);
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(b.codes).toEqual(NORMAL_LIFE_WITH_LOBBY);
    const manifest = JSON.parse(readFileSync(join(b.outDir, 'manifest.json'), 'utf8')) as Json;

    // Webhooks: every status event and the recording's outcome, in order, once each, verified by standardwebhooks,
    // metadata echoed.
    const bodies = hooks.requests.map(verified);
    expect(hooks.requests.every((r) => r.status === 200)).toBe(true);
    expect(bodies.map((p) => p.event)).toEqual(webhookEvents(NORMAL_LIFE_WITH_LOBBY));
    const statusBodies = bodies.filter((p) => p.event !== 'recording.done');
    b.statuses.forEach((s, i) => {
      expect(statusBodies[i]).toEqual({
        event: `bot.${s.code}`,
        data: { data: { code: s.code, sub_code: s.sub_code, updated_at: s.created_at }, bot: { id: manifest.bot_id, metadata } },
      });
    });
    expect(statusBodies.at(-2)!.data.data.sub_code).toBe('call_ended_by_host');
    expect(new Set(hooks.requests.map((r) => r.headers['webhook-id'])).size).toBe(NORMAL_LIFE_WITH_LOBBY.length + 1);

    // The recording's health: a healthy report (Alice and Bob spoke and were heard, the picture moved, sound and
    // picture start together), the same in the final status, the manifest, recording.done and its webhook.
    const health = manifest.recording.health;
    expect(b.statuses.at(-1)!.detail).toEqual({ recording_health: health });
    expect(b.events.find((e) => e.event === 'recording.done')).toMatchObject({ sub_code: null, file: 'recording.mp4', health });
    expect(bodies.find((p) => p.event === 'recording.done')).toEqual({
      event: 'recording.done',
      data: { data: { code: 'done', sub_code: null, updated_at: expect.any(String) }, recording: { id: manifest.bot_id, metadata: {}, health }, bot: { id: manifest.bot_id, metadata } },
    });
    expect(health.audio.speaking_sec).toBeGreaterThan(4);
    expect(health.audio.silent_while_speaking_sec).toBeLessThan(0.2 * health.audio.speaking_sec);
    expect(health.audio.silence_share).toBeLessThan(0.5);
    expect(health.video.longest_freeze_sec).toBeLessThan(health.duration_sec / 2);
    expect(health.video.frames_dropped).toBeGreaterThanOrEqual(0);
    expect(health.video.frames_dropped).toBeLessThan(health.duration_sec * 30 * 0.2);
    // The sound's start against the picture's, as the file itself says (the sound starts a little later: pulse
    // opens after the grab; players place both by their timestamps).
    const { stdout: starts } = await execMedia('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,start_time', '-of', 'csv=p=0', join(b.outDir, 'recording.mp4')]);
    const start = Object.fromEntries(starts.toString().trim().split('\n').map((l) => l.split(',')).map(([type, at]) => [type, Number(at)]));
    expect(health.video.av_offset_ms).toBeCloseTo(((start.audio ?? NaN) - (start.video ?? NaN)) * 1000, -1);
    expect(Math.abs(health.video.av_offset_ms)).toBeLessThan(1000);
    expect(Math.abs(health.wall_clock_sec - health.duration_sec)).toBeLessThan(1.5);
    // A wrong secret or a changed body fails verification: the check above can fail.
    expect(() => new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(hooks.requests[0]!.body, hooks.requests[0]!.headers)).toThrow();
    expect(() => verified({ ...hooks.requests[0]!, body: hooks.requests[0]!.body.replace('joining_call', 'done') })).toThrow();

    // events.jsonl: one `delivered` record per status event, naming the delivery's id and the endpoint without its query.
    const records = deliveryRecords(b.outDir);
    expect(records.map((r) => [r.bot_event, r.status, r.attempts, r.http_status])).toEqual(
      webhookEvents(NORMAL_LIFE_WITH_LOBBY).map((e) => [e, 'delivered', 1, 200]),
    );
    expect(records.map((r) => r.webhook_id)).toEqual(hooks.requests.map((r) => r.headers['webhook-id']));
    expect(new Set(records.map((r) => r.endpoint))).toEqual(new Set([hooks.url('/hook')]));

    // Realtime audio: Recall's envelope, base64 S16LE 16 kHz mono that holds both participants' tones.
    const frames = recall('audio_mixed_raw.data');
    expect(frames[0]).toMatchObject({
      data: {
        data: { timestamp: { relative: expect.any(Number), absolute: expect.any(String) } },
        realtime_endpoint: { id: expect.any(String) },
        audio_mixed: { id: expect.any(String) },
        recording: { id: expect.any(String) },
        bot: { id: manifest.bot_id, metadata },
      },
    });
    const relative = frames.map((f) => f.data.data.timestamp.relative as number);
    expect(relative).toEqual([...relative].sort((x, y) => x - y));
    const both = Buffer.concat(frames.slice(Math.min(100, beforeLeave >> 1), beforeLeave).map((f) => Buffer.from(f.data.data.buffer, 'base64')));
    // The stream runs at 16 kHz: its samples fill the time its timestamps span.
    const spanSec = relative[beforeLeave - 1]! - relative[Math.min(100, beforeLeave >> 1)]!;
    expect(both.length / 2 / 16_000).toBeGreaterThan(spanSec * 0.9);
    expect(both.length / 2 / 16_000).toBeLessThan(spanSec * 1.1 + 0.1);
    const level = tones(both, 16_000, [ALICE.tone_hz, BOB.tone_hz]);
    expect(level[ALICE.tone_hz]).toBeGreaterThan(0.01);
    expect(level[BOB.tone_hz]).toBeGreaterThan(0.01);
    expect(level[ABSENT_HZ]).toBeLessThan(level[ALICE.tone_hz]! / 10);

    // Realtime participant and chat events: the participants' names, the chat text, in Recall's envelope.
    expect(recall('participant_events.join').map((f) => f.data.data.participant.name).sort()).toEqual([ALICE.name, BOB.name]);
    expect(recall('participant_events.leave').map((f) => f.data.data.participant.name)).toEqual([BOB.name]);
    const chat = recall('participant_events.chat_message');
    expect(chat).toHaveLength(1);
    expect(chat[0]).toMatchObject({
      data: {
        data: { participant: { name: ALICE.name, id: expect.any(Number) }, data: { text: question, to: 'everyone' } },
        participant_events: { id: expect.any(String) },
        bot: { id: manifest.bot_id, metadata },
      },
    });
    const joinOf = (name: string) => recall('participant_events.join').find((f) => f.data.data.participant.name === name)!;
    expect(recall('participant_events.leave')[0]!.data.data.participant.id).toBe(joinOf(BOB.name).data.data.participant.id);
    expect(joinOf(ALICE.name).data.data.participant.id).not.toBe(joinOf(BOB.name).data.data.participant.id);
    // The chat names its sender only; the event still carries the sender's participant, as the join did.
    expect(chat[0]!.data.data.participant).toEqual(joinOf(ALICE.name).data.data.participant);
    expect(rt.closeCodes).toEqual([1000]);

    // The output folder, file by file.
    expect(readdirSync(b.outDir).sort()).toEqual(['bot.log', 'chat.jsonl', 'events.jsonl', 'manifest.json', 'participants.json', 'recording.mp4']);
    const { stdout: probe } = await execMedia('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', join(b.outDir, 'recording.mp4')]);
    expect(probe.toString().trim().split('\n').sort()).toEqual(['aac', 'h264']);

    const events = readJsonLines(join(b.outDir, 'events.jsonl'));
    expect(events.every((e) => typeof e.event === 'string' && !Number.isNaN(Date.parse(e.created_at)))).toBe(true);
    expect(events.filter((e) => e.event.startsWith('bot.') && 'code' in e).map((e) => e.code)).toEqual(NORMAL_LIFE_WITH_LOBBY);
    // stdout carries the same events, minus the delivery records.
    expect(b.events).toEqual(events.filter((e) => e.event !== 'webhook.delivery'));

    const participants = JSON.parse(readFileSync(join(b.outDir, 'participants.json'), 'utf8')) as Json[];
    expect(participants.map((p) => p.name).sort()).toEqual([ALICE.name, BOB.name]);
    for (const p of participants) {
      expect(Object.keys(p).sort()).toEqual(['first_seen', 'id', 'joins', 'last_seen', 'leaves', 'name']);
      expect(p.joins).toHaveLength(1);
      expect(Date.parse(p.last_seen)).toBeGreaterThanOrEqual(Date.parse(p.first_seen));
    }
    const alice = participants.find((p) => p.name === ALICE.name)!;
    const bob = participants.find((p) => p.name === BOB.name)!;
    expect(bob.leaves).toHaveLength(1);
    expect(alice.leaves).toHaveLength(0);
    // Alice stayed to the end: last seen when the bot's life ended.
    expect(alice.last_seen).toBe(manifest.ended_at);
    expect(joinOf(ALICE.name).data.data.participant.extra_data).toEqual({ participant_id: alice.id });

    expect(readJsonLines(join(b.outDir, 'chat.jsonl'))).toEqual([
      { at: expect.any(String), sender: 'Outputs Notetaker', text: joinMessage, from_bot: true },
      { at: expect.any(String), sender: ALICE.name, text: question, from_bot: false },
    ]);

    expect(manifest).toMatchObject({
      manifest_version: 3,
      bot_id: expect.any(String),
      source_api: 'recall',
      platform: 'google_meet',
      meeting_id: expect.any(String),
      bot_name: 'Outputs Notetaker',
      started_at: b.statuses[0]!.created_at,
      ended_at: b.statuses.at(-1)!.created_at,
      recording: { file: 'recording.mp4', codecs: { video: 'h264', audio: 'aac' }, gaps: [] },
      final: { code: 'done', sub_code: null },
      exit_code: 0,
      versions: { node: process.version, chromium: expect.any(String) },
      realtime: { sent: rt.messages.length, dropped: 0, reconnects: 0, failedEndpoints: [] },
    });
    expect(manifest.states.map((s: Json) => s.code)).toEqual(NORMAL_LIFE_WITH_LOBBY);
    expect(manifest.states.at(-1)).toMatchObject({ left_at: null, duration_sec: null });
    expect(manifest.recording.duration_sec).toBeGreaterThan(5);
    expect(manifest.recording.size_bytes).toBe(statSync(join(b.outDir, 'recording.mp4')).size);
    expect(manifest.timings_ms).toMatchObject({ durations: { browser_launch: expect.any(Number) }, process_uptime: { admitted: expect.any(Number) } });

    expectNoSecrets(b, HOOK_TOKEN, WS_TOKEN);
  });

  it('Attendee body: a webhook receiver down at first gets every status event in order without holding the bot up; realtime_audio.mixed at 8000 Hz carries the tone', async () => {
    const hooks = await webhookReceiver();
    const hookUrl = hooks.url('/attendee', `?token=${HOOK_TOKEN}`);
    await hooks.down();
    const rt = await wsReceiver();
    const m = await client.createMeeting({ platform: 'google_meet', participants: [ALICE], waiting_room: false });
    const metadata = { customer: 'acme' };
    const b = bot(
      m.join_url,
      {
        bot_name: 'Attendee Notetaker',
        metadata,
        webhooks: [{ url: hookUrl, triggers: ['bot.state_change'] }],
        websocket_settings: { audio: { url: rt.url(`?token=${WS_TOKEN}`), sample_rate: 8000 } },
        recording_settings: { format: 'mp3' },
      },
      {},
    );

    await b.waitForStatus('in_call_recording', 90_000);
    // The whole join happened while every delivery failed: nothing waited for the receiver.
    // stdout gets each event a moment before events.jsonl: read the file once it has caught up.
    const onDisk = () => readJsonLines(join(b.outDir, 'events.jsonl'));
    await waitFor('in_call_recording in events.jsonl', () => onDisk().some((e) => e.event === 'bot.in_call_recording'), 5_000);
    const lines = onDisk();
    const recordingAt = lines.findIndex((e) => e.event === 'bot.in_call_recording');
    const firstFailure = lines.findIndex((e) => e.event === 'webhook.delivery' && e.status === 'failed_attempt');
    expect(firstFailure).toBeGreaterThanOrEqual(0);
    expect(firstFailure).toBeLessThan(recordingAt);
    expect(lines.slice(0, recordingAt).some((e) => e.event === 'webhook.delivery' && e.status === 'delivered')).toBe(false);
    expect(lines[firstFailure]).toMatchObject({ bot_event: 'bot.joining_call', endpoint: hooks.url('/attendee'), error: 'ECONNREFUSED' });
    await hooks.up();

    // Attendee's dialect at 8000 Hz: 16,000 bytes a second.
    const frames = () => rt.json<Json>().filter((f) => f.trigger === 'realtime_audio.mixed');
    const bytes = () => frames().reduce((n, f) => n + Buffer.from(f.data.chunk, 'base64').length, 0);
    await waitFor('5 s of realtime audio', () => bytes() >= 5 * 16_000, 20_000);
    await client.end(m.id);
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(b.codes).toEqual(NORMAL_LIFE);
    const manifest = JSON.parse(readFileSync(join(b.outDir, 'manifest.json'), 'utf8')) as Json;

    // Every status event and the recording's outcome, in order, once each, verified, whatever attempt delivered it.
    const sent = webhookEvents(NORMAL_LIFE);
    expect(hooks.delivered.map((r) => verified(r).event)).toEqual(sent);
    expect(hooks.delivered.map((r) => verified(r).data.bot)).toEqual(sent.map(() => ({ id: manifest.bot_id, metadata })));
    expect(new Set(hooks.delivered.map((r) => r.headers['webhook-id'])).size).toBe(sent.length);
    const records = deliveryRecords(b.outDir);
    const final = records.filter((r) => r.status !== 'failed_attempt');
    expect(final.map((r) => [r.bot_event, r.status])).toEqual(sent.map((e) => [e, 'delivered']));
    expect(final[0]!.attempts).toBeGreaterThan(1);
    expect(records.filter((r) => r.status === 'failed_attempt').every((r) => r.bot_event === 'bot.joining_call')).toBe(true);

    // realtime_audio.mixed: {bot_id, trigger, data: {chunk, sample_rate, timestamp_ms}}, 8 kHz PCM with Alice's tone.
    const audio = frames();
    expect(audio[0]).toEqual({
      bot_id: manifest.bot_id,
      trigger: 'realtime_audio.mixed',
      data: { chunk: expect.any(String), sample_rate: 8000, timestamp_ms: expect.any(Number) },
    });
    const stamps = audio.map((f) => f.data.timestamp_ms as number);
    expect(stamps).toEqual([...stamps].sort((x, y) => x - y));
    const tail = audio.slice(50);
    const pcm = Buffer.concat(tail.map((f) => Buffer.from(f.data.chunk, 'base64')));
    // The samples fill the time the timestamps span at 8000 a second (not 16,000 labelled 8000).
    const spanSec = (tail.at(-1)!.data.timestamp_ms - tail[0]!.data.timestamp_ms) / 1000;
    expect(pcm.length / 2 / 8000).toBeGreaterThan(spanSec * 0.9);
    expect(pcm.length / 2 / 8000).toBeLessThan(spanSec * 1.1 + 0.1);
    const level = tones(pcm, 8000, [ALICE.tone_hz]);
    expect(level[ALICE.tone_hz]).toBeGreaterThan(0.01);
    expect(level[ABSENT_HZ]).toBeLessThan(level[ALICE.tone_hz]! / 10);
    expect(manifest.realtime).toMatchObject({ sent: rt.messages.length, dropped: 0, failedEndpoints: [] });

    expect(readdirSync(b.outDir).sort()).toEqual(['bot.log', 'events.jsonl', 'manifest.json', 'participants.json', 'recording.mp3']);
    expect(manifest).toMatchObject({ source_api: 'attendee', recording: { file: 'recording.mp3', codecs: { video: null, audio: 'mp3' } } });
    expectNoSecrets(b, HOOK_TOKEN, WS_TOKEN);
  });
});
