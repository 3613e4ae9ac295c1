import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import { toneEnergy } from '../../fixtures/media/audio.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { durationSec } from '../helpers/meetingChecks.js';
import { useMockServer } from '../helpers/mockSuite.js';

// Traps of the real Zoom web client that peer bots met (issue 15), each taught to the mock first: the real bot
// (compiled CLI, own Chromium, Xvfb, PulseAudio, ffmpeg) against them.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000, speaking: false };

function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'zoom', waiting_room: false, participants: [ALICE], ...spec });
}

function bot(url: string, body: Record<string, unknown> = {}, args: string[] = [], env: NodeJS.ProcessEnv = {}): BotProcess {
  return startBot({ url, platform: 'zoom', body, args, env });
}

const logLines = (b: BotProcess) =>
  readFileSync(join(b.outDir, 'bot.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('zoom adapter against real-Zoom traps', () => {
  it('presses a Join covered by .preview-meeting-info, after typing a name Zoom only takes from key events; each step is in bot.log', async () => {
    const m = await meeting({ ui_variant: { zoom_join_overlay: true, zoom_name_keys: true } });
    const b = bot(m.join_url, { bot_name: 'Overlay Notetaker' }, ['--log-level', 'debug']);
    await b.waitForStatus('in_call_recording', 60_000);
    const view = await client.get(m.id);
    expect(view.joined_names).toEqual(['Overlay Notetaker']);
    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
    // A join that fails on a real meeting can be followed from the log alone: every step, and what it matched.
    const lines = logLines(b);
    const steps = lines.filter((l) => l.msg === 'step done').map((l) => l.step);
    expect(steps).toEqual(expect.arrayContaining(['open the Zoom web client', 'reach the pre-join form', 'type the name', 'click Join', 'join computer audio']));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'found', what: 'find the name input', selector: '#input-for-name' }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'Join stayed disabled after the inserted name: typing it with key events' }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'pressing Join', how: 'focus+Enter' }));
  });

  it('waits through Zoom’s 3,001 page while the host has not started, loading it again until the form shows', async () => {
    const m = await meeting({ host_present: false, ui_variant: { zoom_unstarted: 'error_page' } });
    // Reloads 3 s apart instead of Zoom's 15 s default: the same loop, two turns of it in a third of the time.
    const b = bot(m.join_url, { bot_name: 'Patient Notetaker' }, [], { MEETBOT_ZOOM_UNSTARTED_RELOAD_SEC: '3' });
    await b.waitForEvent((e) => e.event === 'bot.waiting_for_host', 60_000);
    // One reload shows the page again: the bot is still waiting, not failed.
    await client.waitFor(m.id, (v) => v.events.filter((e) => e.type === 'unstarted_error_page').length >= 2, 40_000, 'a reload');
    expect(b.codes).toEqual(['joining_call']);
    await client.setHostPresent(m.id, true);
    await b.waitForStatus('in_call_recording', 40_000);
    expect((await client.get(m.id)).joined_names).toEqual(['Patient Notetaker']);
    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });

  // Short runs that only wait (on a timer, a landing page, a speaker) run side by side to keep the file short; nothing
  // in them is timed tighter than a load would allow. A sequential test stands between two such groups (vitest runs
  // adjacent concurrent suites together). The tests use the global expect: a failed assertion throws into the test
  // that awaited it, and none uses snapshots or expect.assertions.
  describe.concurrent('waits and landings', () => {
    it('takes a footer that reads "0 participants" for a wait for the host, never for admission', async () => {
      const m = await meeting({ host_present: false, ui_variant: { zoom_waiting_footer: true } });
      const b = bot(m.join_url, { automatic_leave_settings: { wait_for_host_to_start_meeting_timeout_seconds: 5 } });
      await b.waitForEvent((e) => e.event === 'bot.waiting_for_host', 60_000);
      expect((await b.waitForStatus('fatal', 30_000)).sub_code).toBe('meeting_not_started');
      expect(b.codes).toEqual(['joining_call', 'fatal']);
      expect((await b.exited).code).toBe(1);
    });

    it('joins a personal /my/ link through its landing page’s "Join from your browser"', async () => {
      const m = await meeting({ ui_variant: { zoom_link: 'personal' } });
      expect(new URL(m.join_url).pathname).toMatch(/^\/my\//);
      const b = bot(m.join_url, { bot_name: 'Personal Notetaker', recording_settings: { format: 'none' } });
      await b.waitForStatus('in_call_not_recording', 60_000);
      expect((await client.get(m.id)).joined_names).toEqual(['Personal Notetaker']);
      await b.stop('SIGTERM');
      expect((await b.exited).code).toBe(0);
    });

    it('reports who speaks from today’s single-main-container frames', async () => {
      const m = await meeting({ participants: [ALICE, BOB], ui_variant: { zoom_speaker_dom: 'single' } });
      const b = bot(m.join_url, { recording_settings: { format: 'mp3' } });
      await b.waitForStatus('in_call_recording', 60_000);
      await b.waitForEvent((e) => e.event === 'participant_events.speech_on', 30_000);
      await b.stop('SIGTERM');
      expect(b.participantEvents('speech_on').map((e) => e.name)).toEqual([ALICE.name]);
    });
  });

  it('leaves the microphone muted when computer audio joined by itself, and still chats and records', async () => {
    // Audio already joined when the meeting shows (Vexa: current clients auto-join after admission).
    const m = await meeting({ participants: [ALICE, BOB], ui_variant: { zoom_audio: 'auto', zoom_audio_connect_ms: 0, chat: 'contenteditable' } });
    const b = bot(m.join_url, { chat: { on_bot_join: { send_to: 'everyone', message: 'Notes are being taken.' } } });
    await b.waitForStatus('in_call_recording', 60_000);
    const view = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 30_000, 'the bot chat message');
    expect(view.chat_received.map((c) => c.text)).toEqual(['Notes are being taken.']);
    expect(view.events.find((e) => e.type === 'audio_joined')?.detail).toEqual({ mic_live: false });
    await new Promise((r) => setTimeout(r, 4000));
    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
    const after = await client.get(m.id);
    expect(after.events.filter((e) => e.type === 'mic_toggled')).toEqual([]);
    const file = join(b.outDir, 'recording.mp4');
    expect(await toneEnergy(file, ALICE.tone_hz, 1, (await durationSec(file)) - 0.5)).toBeGreaterThan(0.01);
  });

  describe.concurrent('meetings that end without an end screen', () => {
    it.each([
      ['leave_domain', 'a redirect off Zoom'],
      ['signin', 'a redirect to sign-in'],
      ['no_screen', 'a page with the meeting gone and nothing said'],
    ] as const)('ends call_ended when the meeting ends with %s (%s), without waiting for a timer', async (zoomEnd, _how) => {
      const m = await meeting({ ui_variant: { zoom_end: zoomEnd } });
      const b = bot(m.join_url, { recording_settings: { format: 'mp3' } });
      await b.waitForStatus('in_call_recording', 60_000);
      const endedAt = Date.now();
      await client.end(m.id);
      const ended = await b.waitForStatus('call_ended', 30_000);
      expect(ended.sub_code).toBe('bot_removed_or_call_ended');
      expect(Date.now() - endedAt).toBeLessThan(20_000);
      expect((await b.exited).code).toBe(0);
    });
  });
});
