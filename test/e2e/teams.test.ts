import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingSpec, MeetingView } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { colourShare, expectChatBothWays, expectRecordingOfCall } from '../helpers/meetingChecks.js';
import { toneEnergy } from '../../fixtures/media/audio.js';

// The real bot (the compiled CLI in its own process) against the Microsoft Teams mock, in real Chromium on its own
// Xvfb, with PulseAudio and ffmpeg: the redirect chain, the launcher (its msteams: iframe allowed by the bot's
// profile), the pre-join, the lobby, one server-mixed audio stream, the CKEditor-like chat and Teams' end screens.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000 };
const BOT_NAME = 'Acme Notetaker';

export function teamsMeeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'microsoft_teams', participants: [ALICE, BOB], ...spec });
}

function bot(url: string, body: Record<string, unknown> = {}): BotProcess {
  return startBot({ url, platform: 'microsoft_teams', body: { bot_name: BOT_NAME, ...body } });
}

function details(view: MeetingView, type: string): unknown[] {
  return view.events.filter((e) => e.type === type).map((e) => e.detail);
}

function readJsonLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('microsoft_teams adapter against the Teams mock', () => {
  it('passes the launcher, joins muted under bot_name, waits in the lobby, records both participants and their tiles, chats both ways, ends with the host', async () => {
    const m = await teamsMeeting();
    const message = 'Hello from the notetaker: this meeting is recorded. <b>not bold</b> & "quoted"';
    const b = bot(m.join_url, { chat: { on_bot_join: { send_to: 'everyone', message } } });

    await b.waitForStatus('in_waiting_room', 60_000);
    const lobby = await client.waitFor(m.id, (v) => v.bot.status === 'knocking', 10_000, 'the knock');
    expect(details(lobby, 'launcher_continue')).toEqual([expect.objectContaining({ variant: 'continue_button', trusted: true })]);
    expect(lobby.joined_names).toEqual([BOT_NAME]);
    expect(details(lobby, 'join_clicked')).toEqual([expect.objectContaining({ name: BOT_NAME, mic: false, camera: false })]);
    // The lobby is the pre-join page with Join now disabled: not admission.
    await new Promise((r) => setTimeout(r, 3000));
    expect(b.codes).not.toContain('in_call_not_recording');

    await client.admit(m.id);
    await b.waitForStatus('in_call_recording', 30_000);
    await expectChatBothWays(b, client, m.id, message, ALICE.name, (v) => v.participants.every((p) => p.received_by_bot.length === 2));

    await new Promise((r) => setTimeout(r, 5000));
    await client.end(m.id);
    const ended = await b.waitForStatus('call_ended', 20_000);
    expect(ended.sub_code).toBe('call_ended_by_host');
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(b.codes).toEqual(['joining_call', 'in_waiting_room', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done']);

    const file = join(b.outDir, 'recording.mp4');
    const seconds = await expectRecordingOfCall(file, b, [ALICE.tone_hz, BOB.tone_hz], 3);
    for (const p of [ALICE, BOB]) expect(await colourShare(file, seconds - 2, p.color)).toBeGreaterThan(0.02);
    // Names as people wrote them: Teams' "(Unverified)" on the bot is no part of its name, and it is not a participant.
    expect(b.participantEvents('join').map((e) => e.name).sort()).toEqual([ALICE.name, BOB.name]);
    const speakers = new Set(b.participantEvents('speech_on').map((e) => e.name));
    expect([...speakers].sort()).toEqual([ALICE.name, BOB.name]);
    expect(readJsonLines(join(b.outDir, 'chat.jsonl'))).toEqual([
      expect.objectContaining({ sender: BOT_NAME, text: message, from_bot: true }),
      expect.objectContaining({ sender: ALICE.name, text: 'Can you hear me, notetaker?', from_bot: false }),
    ]);
    const manifest = JSON.parse(readFileSync(join(b.outDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ platform: 'microsoft_teams', bot_name: BOT_NAME, final: { code: 'done' } });
  });

  it('classic client from a short link: "Join on the web instead", toggles that say checked, the AV modal after Join now, a composer deaf to Enter; ends when removed', async () => {
    const m = await teamsMeeting({
      waiting_room: false,
      passcode: 'Kq7pZ2',
      ui_variant: { teams_link: 'short', teams_client: 'classic', teams_launcher: 'join_on_web_link', teams_toggle_state: 'checked', teams_av_modal: 'after_join', teams_chat_enter: 'ignored' },
    });
    expect(m.join_url).toMatch(/\/meet\/\d{10,15}\?p=Kq7pZ2$/);
    const message = 'Recording starts now.\nSecond line of the notice.';
    const b = bot(m.join_url, { chat: { on_bot_join: { send_to: 'everyone', message } } });
    await b.waitForStatus('in_call_recording', 60_000);
    const view = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 20_000, 'the bot chat message');
    expect(view.chat_received.map((c) => c.text)).toEqual([message]);
    expect(details(view, 'av_modal_dismissed').length).toBeGreaterThanOrEqual(1);
    expect(details(view, 'join_clicked').at(-1)).toMatchObject({ name: BOT_NAME, mic: false, camera: false });
    await b.waitForEvent((e) => e.event === 'participant_events.speech_on', 20_000);
    await new Promise((r) => setTimeout(r, 3000));
    await client.kick(m.id);
    expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('bot_kicked_from_call');
    expect((await b.exited).code).toBe(0);
    // No lobby in this meeting: Join now disabled while Teams connects is no waiting room.
    expect(b.codes).toEqual(['joining_call', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done']);
    expect(b.participantEvents('join').map((e) => e.name).sort()).toEqual([ALICE.name, BOB.name]);
    // Teams echoes the bot's two-line message without an author, on one line: still the bot's own, not a participant's.
    expect(b.participantEvents('chat_message')).toEqual([]);
    expect(await toneEnergy(join(b.outDir, 'recording.mp4'), ALICE.tone_hz, 1)).toBeGreaterThan(0.01);
  });
});
