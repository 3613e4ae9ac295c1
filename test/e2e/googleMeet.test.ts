import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { colourShare, expectChatBothWays, expectRecordingOfCall } from '../helpers/meetingChecks.js';
import { frameDifferences } from '../../fixtures/media/video.js';

// The real bot (the compiled CLI in its own process) against the Google Meet mock, in real Chromium with its
// own Xvfb, PulseAudio and ffmpeg. Participants are real WebRTC media from another browser.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000 };

async function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'google_meet', participants: [ALICE, BOB], ...spec });
}

function bot(url: string, body: Record<string, unknown> = {}): BotProcess {
  return startBot({ url, platform: 'google_meet', body });
}

function readJsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('google_meet adapter against the Meet mock', () => {
  // The first run holds the bot in the lobby and in the call for seconds; a removal during the in-call steps runs
  // beside it, done before the recording the first one checks has begun. The tests use the global expect: a failed
  // assertion throws into the test that awaited it, and neither uses snapshots or expect.assertions.
  describe.concurrent('a whole run, and a removal during the in-call steps', () => {
    it('knocks under bot_name, stays in the lobby despite its Leave button, records the participants from admission, chats both ways', async () => {
      const m = await meeting({ ui_variant: { chat: 'textarea' } });
      const message = 'Hello from the notetaker: this meeting is recorded. <b>not bold</b> & "quoted"';
      const b = bot(m.join_url, { bot_name: 'Acme Notetaker', chat: { on_bot_join: { send_to: 'everyone', message } } });

      await b.waitForStatus('in_waiting_room', 60_000);
      const knocking = await client.waitFor(m.id, (v) => v.bot.status === 'knocking', 10_000, 'the knock');
      expect(knocking.joined_names).toContain('Acme Notetaker');
      // The bot granted camera and microphone up front, as Vexa, Attendee and meetingbot do: no device prompt.
      expect(knocking.events.map((e) => e.type)).not.toContain('device_prompt');
      // The lobby shows Leave call, the toggles and the call-controls toolbar: none of it is admission.
      await new Promise((r) => setTimeout(r, 4000));
      expect(b.codes).not.toContain('in_call_not_recording');

      await client.admit(m.id);
      await b.waitForStatus('in_call_recording', 30_000);
      await expectChatBothWays(b, client, m.id, message, ALICE.name);

      await new Promise((r) => setTimeout(r, 6000));
      await client.end(m.id);
      const ended = await b.waitForStatus('call_ended', 20_000);
      expect(ended.sub_code).toBe('call_ended_by_host');
      expect(await b.exited).toEqual({ code: 0, signal: null });
      expect(b.codes).toEqual(['joining_call', 'in_waiting_room', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done']);

      const file = join(b.outDir, 'recording.mp4');
      const seconds = await expectRecordingOfCall(file, b, [ALICE.tone_hz, BOB.tone_hz], 1.5);
      // The video is the meeting as rendered: both participants' tiles are in it, and it moves.
      for (const p of [ALICE, BOB]) expect(await colourShare(file, seconds - 2, p.color)).toBeGreaterThan(0.02);
      const motion = await frameDifferences(file);
      expect(motion.filter((d) => d > 0.05).length).toBeGreaterThan(motion.length / 2);

      const participants = JSON.parse(readFileSync(join(b.outDir, 'participants.json'), 'utf8')) as { name: string }[];
      expect(participants.map((p) => p.name).sort()).toEqual([ALICE.name, BOB.name]);
      const joins = b.participantEvents('join').map((e) => e.name);
      expect(joins.sort()).toEqual([ALICE.name, BOB.name]);
      // Meet's speaking indicator ([data-audio-level]) becomes speech events for whoever talks.
      const speakers = new Set(b.participantEvents('speech_on').map((e) => e.name));
      expect([...speakers].sort()).toEqual([ALICE.name, BOB.name]);
      const chat = readJsonLines(join(b.outDir, 'chat.jsonl'));
      expect(chat).toEqual([
        expect.objectContaining({ sender: 'Acme Notetaker', text: message, from_bot: true }),
        expect.objectContaining({ sender: ALICE.name, text: 'Can you hear me, notetaker?', from_bot: false }),
      ]);
      const manifest = JSON.parse(readFileSync(join(b.outDir, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ platform: 'google_meet', bot_name: 'Acme Notetaker', final: { code: 'done' }, recording: { file: 'recording.mp4' } });
    });

    it('acts on a removal during the in-call steps at once, not when they are done (the chat panel never loads)', async () => {
      const m = await meeting({ waiting_room: false, ui_variant: { chat_load_ms: 60_000 } });
      const b = bot(m.join_url, { chat: { on_bot_join: { send_to: 'everyone', message: 'never sent' } } });
      await b.waitForStatus('in_call_recording', 60_000);
      await client.kick(m.id);
      const kickedAt = Date.now();
      expect((await b.waitForStatus('call_ended', 30_000)).sub_code).toBe('bot_kicked_from_call');
      // Waiting for the chat input alone would have taken the 15 s step timeout.
      expect(Date.now() - kickedAt).toBeLessThan(8000);
      expect((await b.exited).code).toBe(0);
      // The steps given up for the removal leave no warning behind, and no half-finished segment.
      expect(b.events.filter((e) => e.event === 'bot.warning')).toEqual([]);
      expect(readdirSync(b.outDir).filter((f) => f.startsWith('recording.part'))).toEqual([]);
    });
  });

  it('ends call_ended / bot_kicked_from_waiting_room when the host denies the knock', async () => {
    const m = await meeting();
    const b = bot(m.join_url);
    await b.waitForStatus('in_waiting_room', 60_000);
    await client.deny(m.id);
    expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('bot_kicked_from_waiting_room');
    expect((await b.exited).code).toBe(0);
    expect(existsSync(join(b.outDir, 'recording.mp4'))).toBe(false);
  });

  // A bot that waits 12 s for its chat panel beside one that chats at once: the first is idle most of its run, so the
  // pair takes little longer than it alone (the recording bound below holds with a second bot joining). The tests use
  // the global expect: a failed assertion throws into the test that awaited it, and neither uses snapshots or
  // expect.assertions.
  describe.concurrent('chat composers and a slow chat panel', () => {
    it('types into the 2026 contenteditable composer and splits a message over Meet’s 500 characters', async () => {
      const m = await meeting({ waiting_room: false, ui_variant: { chat: 'contenteditable' } });
      const sentence = 'The quick brown fox jumps over the lazy dog. ';
      const message = sentence.repeat(15).trim(); // 674 characters
      const b = bot(m.join_url, { bot_chat_message: { to: 'everyone', message }, recording_settings: { format: 'none' } });
      await b.waitForStatus('in_call_not_recording', 60_000);
      const view = await client.waitFor(m.id, (v) => v.chat_received.length >= 2, 30_000, 'both parts');
      const parts = view.chat_received.map((c) => c.text);
      expect(parts.every((p) => p.length <= 500)).toBe(true);
      expect(parts.join(' ')).toBe(message);
      await b.stop('SIGTERM');
      expect((await b.exited).code).toBe(0);
      expect(b.statuses.at(-2)).toMatchObject({ code: 'call_ended', sub_code: 'bot_received_leave_call' });
      expect((await client.get(m.id)).bot.status).toBe('left');
    });

    it('records from admission while the chat panel still loads, chats once it has loaded', async () => {
      // The panel loads well past the bound below: a recorder that waited for it could not pass.
      const m = await meeting({ waiting_room: false, ui_variant: { chat_load_ms: 12_000 } });
      const message = 'Recording started.';
      const b = bot(m.join_url, { chat: { on_bot_join: { send_to: 'everyone', message } } });
      const admitted = await b.waitForStatus('in_call_not_recording', 60_000);
      const recording = await b.waitForStatus('in_call_recording', 30_000);
      // The recorder did not wait for the panel: it was recording while the panel showed its spinner.
      expect(Date.parse(recording.created_at) - Date.parse(admitted.created_at)).toBeLessThan(8000);
      expect((await client.get(m.id)).chat_received).toEqual([]);
      const view = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 30_000, 'the bot chat message');
      expect(view.chat_received.map((c) => c.text)).toEqual([message]);
      await client.end(m.id);
      expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('call_ended_by_host');
      expect((await b.exited).code).toBe(0);
    });
  });

  it('ends call_ended / bot_kicked_from_call when removed from the call', async () => {
    const m = await meeting({ waiting_room: false });
    const b = bot(m.join_url, { recording_settings: { format: 'mp3' } });
    await b.waitForStatus('in_call_recording', 60_000);
    await client.kick(m.id);
    expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('bot_kicked_from_call');
    expect((await b.exited).code).toBe(0);
  });

  it('ends fatal / google_meet_bot_blocked when Meet blocks the bot, with failure evidence', async () => {
    const m = await meeting({ blocked: true });
    const b = bot(m.join_url);
    const fatal = await b.waitForStatus('fatal', 60_000);
    expect(fatal.sub_code).toBe('google_meet_bot_blocked');
    expect((await b.exited).code).toBe(1);
    expect(existsSync(join(b.outDir, 'failure', 'screenshot.png'))).toBe(true);
    expect(readFileSync(join(b.outDir, 'failure', 'page.html'), 'utf8')).toContain('join this video call');
  });

  it('ends fatal / meeting_not_found on the 217 screen', async () => {
    const m = await meeting({ not_found: true });
    const b = bot(m.join_url);
    expect((await b.waitForStatus('fatal', 60_000)).sub_code).toBe('meeting_not_found');
    expect((await b.exited).code).toBe(1);
  });
});
