import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingEvent } from '../../fixtures/mock/types.js';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { durationSec } from '../helpers/meetingChecks.js';
import { toneEnergy } from '../../fixtures/media/audio.js';

// The real bot (the compiled CLI in its own process) against the Zoom web client mock, in real Chromium with its
// own Xvfb, PulseAudio and ffmpeg. Participants send real WebRTC media from another browser. The adapter was
// written from platforms.md, not from this mock.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000 };
const PASSCODE = 'Zm8f3Kq1';

function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'zoom', participants: [ALICE], ...spec });
}

function bot(url: string, body: Record<string, unknown> = {}): BotProcess {
  return startBot({ url, platform: 'zoom', body });
}

/** The join URL with another (or no) passcode in place of the right one. */
function withPwd(joinUrl: string, pwd: string | null): string {
  const url = new URL(joinUrl);
  if (pwd === null) url.searchParams.delete('pwd');
  else url.searchParams.set('pwd', pwd);
  return url.toString();
}

function eventAt(events: MeetingEvent[], type: string): number {
  const e = events.find((x) => x.type === type);
  if (!e) throw new Error(`the mock saw no ${type}; saw ${events.map((x) => x.type).join(', ')}`);
  return Date.parse(e.at);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('zoom adapter against the Zoom mock', () => {
  it('joins under bot_name with the link passcode past banner, terms and permission dialogs, records only once computer audio is connected, chats in the TipTap composer, ends by host', async () => {
    const m = await meeting({
      waiting_room: false,
      passcode: PASSCODE,
      participants: [ALICE, { ...BOB, speaking: false }],
      ui_variant: {
        chat: 'contenteditable',
        zoom_audio_connect_ms: 6000,
        // Every pre-join screen a Zoom client was seen to show, and trusted input only.
        zoom_cookie_banner: 'always',
        zoom_terms: true,
        device_modal: 'always',
        input_gates: { name: 'trusted', join_button: 'trusted', chat: 'trusted' },
      },
    });
    const message = 'Hello from the notetaker: this meeting is recorded. <b>not bold</b> & "quoted"';
    const b = bot(m.join_url, { bot_name: 'Acme Notetaker', chat: { on_bot_join: { send_to: 'everyone', message } } });

    const recording = await b.waitForStatus('in_call_recording', 60_000);
    const joined = await client.waitFor(m.id, (v) => v.events.some((e) => e.type === 'audio_joined'), 15_000, 'computer audio');
    expect(joined.joined_names).toEqual(['Acme Notetaker']);
    expect(joined.events.find((e) => e.type === 'join_clicked')?.detail).toMatchObject({ client: 'react', mic: false, camera: false });
    expect(joined.events.map((e) => e.type)).toEqual(expect.arrayContaining(['cookies', 'terms', 'permission_dialog']));
    expect(joined.events.filter((e) => e.type === 'untrusted_input')).toEqual([]);
    const withChat = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 20_000, 'the bot chat message');
    expect(withChat.chat_received.map((c) => c.text)).toEqual([message]);

    // Bob starts speaking only now: his tone must appear in the recording from here on, not before.
    await sleep(1500);
    const bobFrom = Date.now();
    await client.speak(m.id, withChat.participants.find((p) => p.name === BOB.name)!.id, true);

    await client.chat(m.id, ALICE.name, 'Can you hear me, notetaker?');
    const seen = await b.waitForEvent((e) => e.event === 'participant_events.chat_message', 20_000);
    expect(seen).toMatchObject({ participant: { name: ALICE.name }, data: { text: 'Can you hear me, notetaker?' } });

    await sleep(4000);
    await client.end(m.id);
    const ended = await b.waitForStatus('call_ended', 20_000);
    expect(ended.sub_code).toBe('call_ended_by_host');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(b.codes).toEqual(['joining_call', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done']);

    const file = join(b.outDir, 'recording.mp4');
    const seconds = await durationSec(file);
    const t0 = Date.parse(recording.created_at);
    const audioAt = (eventAt(joined.events, 'audio_joined') - t0) / 1000;
    const bobAt = (bobFrom - t0) / 1000;
    // The recorder starts before the audio connection is up: the first seconds are the gate, closed.
    expect(audioAt).toBeGreaterThan(1.5);
    expect(await toneEnergy(file, ALICE.tone_hz, 0, audioAt - 0.3)).toBeLessThan(0.003);
    expect(await toneEnergy(file, ALICE.tone_hz, audioAt + 1, seconds - 0.5)).toBeGreaterThan(0.01);
    expect(await toneEnergy(file, BOB.tone_hz, 0, bobAt - 0.3)).toBeLessThan(0.003);
    expect(await toneEnergy(file, BOB.tone_hz, bobAt + 1, seconds - 0.5)).toBeGreaterThan(0.01);

    const participants = JSON.parse(readFileSync(join(b.outDir, 'participants.json'), 'utf8')) as { name: string }[];
    expect(participants.map((p) => p.name).sort()).toEqual([ALICE.name, BOB.name]);
  });

  it('waits in the waiting room until admitted, types into the old textarea, ends bot_kicked_from_call when removed', async () => {
    const m = await meeting({ waiting_room: true, ui_variant: { chat: 'textarea' } });
    const message = 'Recording notice: line one, then "two" & <three>';
    const b = bot(m.join_url, { bot_name: 'Lobby Notetaker', bot_chat_message: { to: 'everyone', message }, recording_settings: { format: 'none' } });

    await b.waitForStatus('in_waiting_room', 60_000);
    const knocking = await client.waitFor(m.id, (v) => v.bot.status === 'knocking', 10_000, 'the knock');
    expect(knocking.joined_names).toEqual(['Lobby Notetaker']);
    // Camera and microphone granted up front: no permission dialog, and the live preview devices muted by the bot.
    expect(knocking.events.map((e) => e.type)).not.toContain('permission_dialog');
    expect(knocking.events.find((e) => e.type === 'join_clicked')?.detail).toMatchObject({ mic: false, camera: false });
    // The waiting room lives inside .meeting-app and has <audio> elements: neither is admission.
    await sleep(3000);
    expect(b.codes).toEqual(['joining_call', 'in_waiting_room']);

    await client.admit(m.id);
    await b.waitForStatus('in_call_not_recording', 30_000);
    const view = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 20_000, 'the bot chat message');
    expect(view.chat_received.map((c) => c.text)).toEqual([message]);

    // End-screen wording typed into the chat is a message, not an end of the meeting.
    const trap = 'Carol was removed from the meeting by mistake; the host ended the meeting for her';
    await client.chat(m.id, ALICE.name, trap);
    const seen = await b.waitForEvent((e) => e.event === 'participant_events.chat_message', 20_000);
    expect(seen).toMatchObject({ participant: { name: ALICE.name }, data: { text: trap } });
    await sleep(2000);
    expect(b.codes.at(-1)).toBe('in_call_not_recording');

    await client.kick(m.id);
    expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('bot_kicked_from_call');
    expect((await b.exited).code).toBe(0);
  });

  it('ends call_ended / bot_kicked_from_waiting_room when the host removes it from the waiting room (classic client)', async () => {
    const m = await meeting({ waiting_room: true, ui_variant: { zoom_client: 'classic' } });
    const b = bot(m.join_url, { bot_name: 'Classic Notetaker' });
    await b.waitForStatus('in_waiting_room', 60_000);
    const view = await client.waitFor(m.id, (v) => v.bot.status === 'knocking', 10_000, 'the knock');
    expect(view.events.find((e) => e.type === 'join_clicked')?.detail).toMatchObject({ client: 'classic', name: 'Classic Notetaker' });
    await client.deny(m.id);
    expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('bot_kicked_from_waiting_room');
    expect((await b.exited).code).toBe(0);
    expect(existsSync(join(b.outDir, 'recording.mp4'))).toBe(false);
  });

  it('ends fatal / meeting_password_incorrect for a wrong passcode and for a link without one', async () => {
    const [wrong, missing] = await Promise.all([meeting({ passcode: PASSCODE }), meeting({ passcode: PASSCODE })]);
    const bots = [bot(withPwd(wrong.join_url, 'Wrong999')), bot(withPwd(missing.join_url, null))];
    for (const b of bots) {
      expect((await b.waitForStatus('fatal', 60_000)).sub_code).toBe('meeting_password_incorrect');
      expect((await b.exited).code).toBe(1);
    }
    // The wrong one reached the meeting and was refused; the one without a passcode never tried.
    const wrongView = await client.get(wrong.id);
    expect(wrongView.events.find((e) => e.type === 'join_passcode_wrong')?.detail).toMatchObject({ passcode: 'Wrong999' });
    expect(wrongView.joined_names).toEqual([]);
    const missingView = await client.get(missing.id);
    expect(missingView.events.some((e) => e.type === 'join_clicked')).toBe(false);
    expect(missingView.joined_names).toEqual([]);
  });

  it('ends fatal on a link that stays invalid (3,001), on the RTMS bot wall, and when the host never starts the meeting', async () => {
    const [invalid, walled, hostless] = await Promise.all([
      meeting({ not_found: true }),
      meeting({ blocked: true }),
      meeting({ host_present: false, waiting_room: false }),
    ]);
    // Zoom also shows 3,001 while the host has not started: the bot waits for the host on it, and reports an
    // invalid link once the wait for the host gives up.
    const [bInvalid, bWalled, bHostless] = [
      bot(invalid.join_url, { automatic_leave_settings: { wait_for_host_to_start_meeting_timeout_seconds: 4 } }),
      bot(walled.join_url),
      bot(hostless.join_url, { automatic_leave_settings: { wait_for_host_to_start_meeting_timeout_seconds: 4 } }),
    ];
    await bInvalid.waitForEvent((e) => e.event === 'bot.waiting_for_host', 60_000);
    expect((await bInvalid.waitForStatus('fatal', 60_000)).sub_code).toBe('meeting_link_invalid');
    expect((await bWalled.waitForStatus('fatal', 60_000)).sub_code).toBe('zoom_requires_rtms');
    await bHostless.waitForEvent((e) => e.event === 'bot.waiting_for_host', 60_000);
    expect((await client.get(hostless.id)).events.map((e) => e.type)).toContain('bot_waiting_for_host');
    const notStarted = await bHostless.waitForStatus('fatal', 30_000);
    expect(notStarted.sub_code).toBe('meeting_not_started');
    for (const b of [bInvalid, bWalled, bHostless]) expect((await b.exited).code).toBe(1);
    expect((await client.get(walled.id)).events.some((e) => e.type === 'join_clicked')).toBe(true);
  });

  it('works in the PWA shell (client in iframe.pwa-webclient__iframe) past popups, and leaves through the confirm button on stop', async () => {
    const m = await meeting({ waiting_room: false, ui_variant: { zoom_client: 'pwa', popups: true, chat: 'contenteditable' } });
    const message = 'PWA notetaker here';
    const b = bot(m.join_url, { bot_name: 'PWA Notetaker', bot_chat_message: { to: 'everyone', message }, recording_settings: { format: 'mp3' } });
    await b.waitForStatus('in_call_recording', 60_000);
    const view = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 20_000, 'the bot chat message');
    expect(view.chat_received.map((c) => c.text)).toEqual([message]);
    expect(view.joined_names).toEqual(['PWA Notetaker']);
    expect(view.events.filter((e) => e.type === 'popup_dismissed').length).toBeGreaterThan(0);
    await client.chat(m.id, ALICE.name, 'Welcome to the PWA');
    await b.waitForEvent((e) => e.event === 'participant_events.chat_message', 20_000);

    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
    expect(b.statuses.at(-2)).toMatchObject({ code: 'call_ended', sub_code: 'bot_received_leave_call' });
    const left = await client.waitFor(m.id, (v) => v.bot.status === 'left', 5000, 'left');
    // Left through "Leave Meeting" (the page's own leave), not by closing the page.
    expect(left.events.find((e) => e.type === 'bot_left')?.detail).toBeUndefined();
    expect(left.events.some((e) => e.source === 'bot' && e.type === 'leave')).toBe(true);
  });
});
