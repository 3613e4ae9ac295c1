import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BotProcess } from '../helpers/botProcess.js';
import { expectRecordingOfCall } from '../helpers/meetingChecks.js';
import type { MeetingView } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';

// A bot that records no video asks Meet for audio only (More options → Settings → Video → "Receive resolution
// (maximum)" → "Audio only"), so the meeting stops sending it video and its Chromium decodes none; a bot that
// records video leaves the setting alone. The real bot (compiled CLI) against the Meet mock, whose
// participants report what they sent and whose page reports what the bot's browser received and decoded.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 1000 };
/** Both ends report their WebRTC totals every second; this covers a report from each after a change. */
const REPORT_MS = 2500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bot(url: string, body: Record<string, unknown>): BotProcess {
  return startBot({ url, platform: 'google_meet', body });
}

type Totals = MeetingView['participants'][number]['media_to_bot'];

/** How much each participant's counter grew between two views of the meeting. */
function growth(before: MeetingView, after: MeetingView, key: keyof Omit<Totals, 'video_on' | 'updated_at'>): number[] {
  return after.participants.map((p) => p.media_to_bot[key] - (before.participants.find((q) => q.id === p.id)?.media_to_bot[key] ?? 0));
}

// The two bots run side by side to keep the file short: each test reads its own meeting's counters. They use the global
// expect: a failed assertion throws into the test that awaited it, and neither uses snapshots or expect.assertions.
describe.concurrent('google_meet: incoming video for bots that record none', () => {
  it('an audio-only bot switches Meet to "Audio only": no video reaches it, the recording holds every tone', async () => {
    const m = await client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [ALICE, BOB] });
    const message = 'The notetaker records audio only.';
    const b = bot(m.join_url, {
      bot_name: 'Audio Notetaker',
      recording_config: { video_mixed_layout: 'audio_only' },
      chat: { on_bot_join: { send_to: 'everyone', message } },
    });
    await b.waitForStatus('in_call_recording', 60_000);

    const switched = await client.waitFor(m.id, (v) => v.bot.receive_resolution === 'audio_only', 30_000, 'the client to pick Audio only');
    expect(switched.events.filter((e) => e.type === 'receive_resolution').map((e) => e.detail?.value)).toEqual(['audio_only']);
    // The Settings dialog was closed again: the chat message the bot sends afterwards got through.
    await client.waitFor(m.id, (v) => v.chat_received.some((c) => c.text === message), 30_000, 'the bot chat message');

    await sleep(REPORT_MS);
    const before = await client.get(m.id);
    await sleep(2 * REPORT_MS);
    const after = await client.get(m.id);
    expect(after.participants.map((p) => p.media_to_bot.video_on)).toEqual([false, false]);
    expect(growth(before, after, 'video_bytes_sent')).toEqual([0, 0]);
    expect(growth(before, after, 'video_bytes_received')).toEqual([0, 0]);
    expect(growth(before, after, 'video_frames_decoded')).toEqual([0, 0]);
    for (const g of growth(before, after, 'audio_bytes_received')) expect(g).toBeGreaterThan(5000);

    await client.end(m.id);
    await b.waitForStatus('call_ended', 20_000);
    expect(await b.exited).toEqual({ code: 0, signal: null });
    await expectRecordingOfCall(join(b.outDir, 'recording.m4a'), b, [ALICE.tone_hz, BOB.tone_hz], 1.5);
    expect(readFileSync(join(b.outDir, 'bot.log'), 'utf8')).toContain('incoming video off');
  });

  it('a bot that records video leaves Meet’s receive resolution alone and keeps decoding video', async () => {
    const m = await client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [ALICE, BOB] });
    const b = bot(m.join_url, { bot_name: 'Video Notetaker' });
    await b.waitForStatus('in_call_recording', 60_000);
    const before = await client.waitFor(
      m.id,
      (v) => v.participants.every((p) => p.media_to_bot.video_frames_decoded > 0),
      30_000,
      'video decoded at the bot',
    );
    // Longer than the audio-only bot needed to switch after recording started.
    await sleep(3 * REPORT_MS);
    const after = await client.get(m.id);
    expect(after.bot.receive_resolution).toBe('hd');
    expect(after.events.some((e) => e.type === 'receive_resolution')).toBe(false);
    for (const g of growth(before, after, 'video_frames_decoded')) expect(g).toBeGreaterThan(30);
    for (const g of growth(before, after, 'video_bytes_sent')) expect(g).toBeGreaterThan(10_000);
    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });
});
