import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingSpec, MeetingView } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { isParticipantEvent, type BotProcess } from '../helpers/botProcess.js';
import { durationSec, expectChatBothWays, expectRecordingOfCall } from '../helpers/meetingChecks.js';
import { toneEnergy } from '../../fixtures/media/audio.js';

// The real bot (the compiled CLI in its own process) against the Webex mock, in real Chromium on its own Xvfb,
// with PulseAudio and ffmpeg. The launch page's first "Join from this browser" fires webex://, and Chromium's
// native dialog swallows every page click until the bot presses Escape on its display (xdotool): a bot that
// gets past the chooser has closed it.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000 };
const BOT_NAME = 'Acme Notetaker';

function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'webex', participants: [ALICE, BOB], ...spec });
}

function bot(url: string, body: Record<string, unknown> = {}): BotProcess {
  return startBot({ url, platform: 'webex', body: { bot_name: BOT_NAME, ...body } });
}

function details(view: MeetingView, type: string): unknown[] {
  return view.events.filter((e) => e.type === type).map((e) => e.detail);
}

/** The launch page saw the app launch, then a later click that reached it: the native dialog was closed. */
function expectChooserPassed(view: MeetingView): void {
  expect(details(view, 'chooser_click')).toEqual([
    { n: 1, trusted: true, action: 'launch_app' },
    { n: 2, trusted: true, action: 'join_from_browser' },
  ]);
}

describe('webex adapter against the Webex mock', () => {
  it('passes the chooser, clears the pre-filled name, mutes, waits in the lobby, records the participants, chats both ways (trusted input only), ends with the host', async () => {
    const m = await meeting({ ui_variant: { webex_prefilled_name: 'Previous Guest', input_gates: { join_button: 'trusted', chat: 'trusted' } } });
    const message = 'Hello from the notetaker: this meeting is recorded. <b>not bold</b> & "quoted"';
    const b = bot(m.join_url, { chat: { on_bot_join: { send_to: 'everyone', message } } });

    await b.waitForStatus('in_waiting_room', 60_000);
    const lobby = await client.waitFor(m.id, (v) => v.bot.status === 'knocking', 10_000, 'the knock');
    expectChooserPassed(lobby);
    // The field said "Previous Guest": the mock joined exactly bot_name, muted and without video.
    expect(lobby.joined_names).toEqual([BOT_NAME]);
    expect(details(lobby, 'join_form')).toEqual([{ name: BOT_NAME, email: expect.stringMatching(/@example\.com$/), mic: false, camera: false }]);
    expect(details(lobby, 'cookies')).toHaveLength(1);
    // The lobby has More options and Leave meeting: still not admitted.
    await new Promise((r) => setTimeout(r, 4000));
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
    await expectRecordingOfCall(file, b, [ALICE.tone_hz, BOB.tone_hz], 3);

    const joins = b.participantEvents('join').map((e) => e.name);
    expect(joins.sort()).toEqual([ALICE.name, BOB.name]);
    const manifest = JSON.parse(readFileSync(join(b.outDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ platform: 'webex', bot_name: BOT_NAME, final: { code: 'done' } });
  });

  // Runs whose claims are screens and events, not timings, side by side to keep the file short. The tests use the
  // global expect: a failed assertion throws into the test that awaited it, and none uses snapshots or
  // expect.assertions.
  describe.concurrent('other links, a preloaded client, a captcha', () => {
    it('personal room link, client in the main frame, shadow-root name field: waits for the host, joins, ends when removed', async () => {
      const m = await meeting({
        host_present: false,
        waiting_room: false,
        participants: [ALICE],
        ui_variant: { webex_link: 'personal_room', webex_client: 'main_frame', webex_name_field: 'mdc_input', webex_prefilled_name: 'Old Name' },
      });
      expect(m.join_url).toBe(`${client.url}/meet/${m.id}`);
      const b = bot(m.join_url);
      await b.waitForEvent((e) => e.event === 'bot.waiting_for_host', 60_000);
      const waiting = await client.get(m.id);
      expect(waiting.bot.status).toBe('waiting_for_host');
      expectChooserPassed(waiting);
      expect(waiting.joined_names).toEqual([BOT_NAME]);

      await client.setHostPresent(m.id, true);
      await b.waitForStatus('in_call_recording', 30_000);
      // Alice is heard once Webex's active-speaker halo is on her tile; record a little of her before the kick.
      await b.waitForEvent((e) => isParticipantEvent(e, 'speech_on') && e.participant.name === ALICE.name, 30_000);
      await new Promise((r) => setTimeout(r, 2000));
      await client.kick(m.id);
      expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('bot_kicked_from_call');
      expect((await b.exited).code).toBe(0);
      expect(await toneEnergy(join(b.outDir, 'recording.mp4'), ALICE.tone_hz, 1)).toBeGreaterThan(0.01);
    });

    it('passes a chooser with the client iframe preloaded behind it, and leaves through Leave meeting on a stop signal', async () => {
      const m = await meeting({ waiting_room: false, participants: [], ui_variant: { webex_preload_iframe: true } });
      const b = bot(m.join_url);
      await b.waitForStatus('in_call_recording', 60_000);
      await b.stop('SIGTERM');
      expect((await b.exited).code).toBe(0);
      expect(b.statuses.at(-2)).toMatchObject({ code: 'call_ended', sub_code: 'bot_received_leave_call' });
      const view = await client.get(m.id);
      expectChooserPassed(view);
      expect(view.bot.status).toBe('left');
      // The meeting heard a leave from the page, not just a closed page.
      expect(details(view, 'leave')).toEqual([{ from: 'admitted' }]);
    });

    it('ends fatal / webex_join_meeting_error at the captcha of a blocked bot', async () => {
      const m = await meeting({ blocked: true });
      const b = bot(m.join_url);
      expect((await b.waitForStatus('fatal', 60_000)).sub_code).toBe('webex_join_meeting_error');
      expect((await b.exited).code).toBe(1);
      expect((await client.get(m.id)).joined_names).toEqual([]);
    });
  });

  it('records audio only (mp3, headful like every bot): the chooser passes and the recording holds the tone', async () => {
    const m = await meeting({ waiting_room: false });
    const b = bot(m.join_url, { recording_settings: { format: 'mp3' } });
    await b.waitForStatus('in_call_recording', 60_000);
    expectChooserPassed(await client.get(m.id));
    await new Promise((r) => setTimeout(r, 4000));
    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
    const file = join(b.outDir, 'recording.mp3');
    expect(await toneEnergy(file, ALICE.tone_hz, 0.5, (await durationSec(file)) - 0.3)).toBeGreaterThan(0.01);
  });

  it('types the meeting password from the body (webex.password) or from the link (pwd=); without one ends meeting_password_incorrect', async () => {
    const [fromBody, fromLink, without] = await Promise.all([0, 1, 2].map(() => meeting({ passcode: 'Secret42', waiting_room: false })));
    const bots = [
      bot(fromBody!.join_url, { webex: { password: 'Secret42' }, recording_config: { video_mixed_layout: 'audio_only' } }),
      bot(`${fromLink!.join_url}&pwd=Secret42`, { recording_config: { video_mixed_layout: 'audio_only' } }),
    ];
    const b = bot(without!.join_url);
    for (const [i, joined] of bots.entries()) {
      await joined.waitForStatus('in_call_recording', 90_000);
      const view = await client.get([fromBody, fromLink][i]!.id);
      expect(details(view, 'passcode_check')).toEqual([{ ok: true }]);
      expect(view.joined_names).toEqual([BOT_NAME]);
      // The password is a secret: it is in no event and no log line.
      await joined.stop('SIGTERM');
      expect(readFileSync(join(joined.outDir, 'bot.log'), 'utf8') + readFileSync(join(joined.outDir, 'events.jsonl'), 'utf8')).not.toContain('Secret42');
    }
    const fatal = await b.waitForStatus('fatal', 60_000);
    expect(fatal.sub_code).toBe('meeting_password_incorrect');
    expect((await b.exited).code).toBe(1);
    const view = await client.get(without!.id);
    expectChooserPassed(view);
    expect(details(view, 'passcode_check')).toEqual([]);
    expect(view.joined_names).toEqual([]);
    expect(existsSync(join(b.outDir, 'failure', 'screenshot.png'))).toBe(true);
  });
});
