import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { useMockServer } from '../helpers/mockSuite.js';

// Traps of the real Google Meet that peer bots met (issue 15), each taught to the mock first: the real bot
// (compiled CLI, own Chromium, Xvfb, PulseAudio, ffmpeg) against them.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOB = { name: 'Bob Example', color: '#2980b9', tone_hz: 660 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [ALICE], ...spec });
}

function bot(url: string, body: Record<string, unknown> = {}): BotProcess {
  return startBot({ url, platform: 'google_meet', body });
}

describe('google_meet adapter against real-Meet traps', () => {
  // Bots that mostly wait (on a chat, a presentation, a removal) run side by side to keep the file short; nothing in
  // them is timed tighter than a load would allow. The tests use the global expect: a failed assertion throws into
  // the test that awaited it, and none uses snapshots or expect.assertions.
  describe.concurrent('traps met in the call', () => {
    it('ends on nothing people type or are called: end and denial wording in the chat and in a name', async () => {
      const trapName = 'You’ve been removed from the meeting';
      const m = await meeting({ participants: [ALICE, { name: trapName, tone_hz: 880, speaking: false }] });
      const b = bot(m.join_url, { recording_config: { video_mixed_layout: 'audio_only' } });
      await b.waitForStatus('in_call_recording', 60_000);
      await client.chat(m.id, ALICE.name, 'Your host ended the meeting for everyone');
      await client.chat(m.id, ALICE.name, 'Someone in the call denied your request to join');
      await b.waitForEvent((e) => e.event === 'participant_events.chat_message' && e.data.text.includes('Someone in the call'), 20_000);
      await sleep(4000);
      expect(b.codes.at(-1)).toBe('in_call_recording');
      expect(b.participantEvents('join').map((e) => e.name).sort()).toEqual([ALICE.name, trapName].sort());
      // The real screen still ends it.
      await client.kick(m.id);
      expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('bot_kicked_from_call');
    });

    it('keeps its roster while someone presents and the tiles leave the page, and never counts the effects control', async () => {
      const m = await meeting({ participants: [ALICE, BOB], ui_variant: { meet_presenting_after_ms: 5000 } });
      // Recall's default everyone_left_timeout is 2 s: an empty roster would walk the bot out at once.
      const b = bot(m.join_url, { recording_config: { video_mixed_layout: 'audio_only' } });
      await b.waitForStatus('in_call_recording', 60_000);
      await client.waitFor(m.id, (v) => v.events.some((e) => e.type === 'presentation_started'), 20_000, 'the presentation');
      await sleep(6000);
      expect(b.codes.at(-1)).toBe('in_call_recording');
      expect(b.participantEvents('leave')).toEqual([]);
      expect(b.participantEvents('join').map((e) => e.name).sort()).toEqual([ALICE.name, BOB.name]);
      await b.stop('SIGTERM');
      expect((await b.exited).code).toBe(0);
      const participants = JSON.parse(readFileSync(join(b.outDir, 'participants.json'), 'utf8')) as { name: string }[];
      expect(participants.map((p) => p.name).sort()).toEqual([ALICE.name, BOB.name]);
    });

    it('ends call_ended when the page bounces off Meet mid-call: not a block', async () => {
      const m = await meeting({ ui_variant: { meet_end: 'bounce' } });
      const b = bot(m.join_url, { recording_config: { video_mixed_layout: 'audio_only' } });
      await b.waitForStatus('in_call_recording', 60_000);
      await client.kick(m.id);
      const ended = await b.waitForStatus('call_ended', 20_000);
      expect(ended.sub_code).toBe('bot_removed_or_call_ended');
      expect((await b.exited).code).toBe(0);
    });
  });

  it('joins when the microphone toggle needs a second click, and when it never flips (reported, not fatal)', async () => {
    // No device dialog: the microphone starts live, and only its toggle can turn it off.
    const [once, never] = await Promise.all([
      meeting({ ui_variant: { meet_mic_stuck: 'once', device_modal: 'never' } }),
      meeting({ ui_variant: { meet_mic_stuck: 'always', device_modal: 'never' } }),
    ]);
    const [bOnce, bNever] = [bot(once.join_url), bot(never.join_url)];
    for (const b of [bOnce, bNever]) await b.waitForStatus('in_call_recording', 60_000);
    const log = (b: BotProcess) => readFileSync(join(b.outDir, 'bot.log'), 'utf8');
    expect(log(bNever)).toContain('the toggle did not switch off; joining anyway');
    expect(log(bOnce)).not.toContain('the toggle did not switch off');
    for (const b of [bOnce, bNever]) {
      await b.stop('SIGTERM');
      expect((await b.exited).code).toBe(0);
    }
  });

  it('passes a Join that wants a real pointer path with its default OS input (XTEST); forced to CDP input it is refused, as Vexa saw on real Meet', async () => {
    // Trusted-only name and chat too, and the device modal although the bot granted its devices.
    const ui = { device_modal: 'always', input_gates: { name: 'trusted', join_button: 'pointer_path', chat: 'trusted' } } as const;
    const [viaOs, viaCdp] = await Promise.all([meeting({ ui_variant: ui }), meeting({ ui_variant: ui })]);
    const name = 'Zoë Notetaker ✓';
    const message = 'Recording for the notes';
    const os = bot(viaOs.join_url, { bot_name: name, chat: { on_bot_join: { send_to: 'everyone', message } }, recording_config: { video_mixed_layout: 'audio_only' } });
    const cdp = startBot({ url: viaCdp.join_url, platform: 'google_meet', body: { recording_config: { video_mixed_layout: 'audio_only' } }, env: { MEETBOT_UI_INPUT: 'cdp' } });

    await os.waitForStatus('in_call_recording', 60_000);
    const joined = await client.waitFor(viaOs.id, (v) => v.chat_received.length > 0, 20_000, 'the join message');
    expect(joined.joined_names).toEqual([name]);
    expect(joined.chat_received.map((c) => c.text)).toEqual([message]);
    expect(joined.events.filter((e) => ['no_pointer_path', 'untrusted_input', 'name_rejected'].includes(e.type))).toEqual([]);
    expect(readFileSync(join(os.outDir, 'bot.log'), 'utf8')).toContain('join steps use OS-level input (XTEST)');

    const fatal = await cdp.waitForStatus('fatal', 60_000);
    expect(fatal.sub_code).toBe('ui_element_not_found');
    const refused = await client.get(viaCdp.id);
    expect(refused.events.filter((e) => e.type === 'no_pointer_path').length).toBeGreaterThan(0);
    expect(refused.joined_names).toEqual([]);
    await os.stop('SIGTERM');
    expect((await os.exited).code).toBe(0);
  });

});
