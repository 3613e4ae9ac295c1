import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { toneEnergy } from '../../fixtures/media/audio.js';

// Every automatic-leave rule against the Teams mock. The rules themselves are the runtime's (automaticLeave.test.ts
// measures them on Meet); what is Teams' here is what feeds them: people from the tiles (the bot's own tile, with
// its "(Unverified)" badge, is no participant), the lobby and "When the meeting starts" screens, and the one
// server-mixed audio stream falling silent. noone_joined_timeout (Recall's minimum is 30 s) is measured on Meet
// only: it reads the same roster as everyone_left, which this file covers.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };

/** Short redirect hops: the redirect storm's empty DOM (2.5 s a hop by default) is teams.test.ts's trap, not the rules'. */
function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'microsoft_teams', waiting_room: false, participants: [], ...spec, ui_variant: { teams_redirect_ms: 300, ...spec.ui_variant } });
}

function bot(url: string, body: Record<string, unknown>): BotProcess {
  return startBot({ url, platform: 'microsoft_teams', body: { bot_name: 'Rules Notetaker', ...body } });
}

async function expectRule(b: BotProcess, status: 'call_ended' | 'fatal', subCode: string, rule: string, timeoutMs = 90_000): Promise<void> {
  const end = await b.waitForStatus(status, timeoutMs);
  expect(end.sub_code).toBe(subCode);
  expect(end.detail).toMatchObject({ rule });
  expect((await b.exited).code).toBe(status === 'fatal' ? 1 : 0);
}

describe('automatic leave on Microsoft Teams', () => {
  describe.concurrent('with people in the call', () => {
    it('everyone_left (Recall, 1 s): leaves once the only participant has gone', async () => {
      const m = await meeting({ participants: [ALICE] });
      const b = bot(m.join_url, { automatic_leave: { everyone_left_timeout: 1 } });
      await b.waitForEvent((e) => e.event === 'participant_events.join', 90_000);
      await new Promise((r) => setTimeout(r, 2000));
      expect(b.codes).not.toContain('call_ended');
      await client.removeParticipant(m.id, m.participant_ids[0]!);
      await expectRule(b, 'call_ended', 'timeout_exceeded_everyone_left', 'everyone_left');
      expect(await toneEnergy(join(b.outDir, 'recording.mp4'), ALICE.tone_hz)).toBeGreaterThan(0.02);
    });

    it('bot_detection.using_participant_names (Recall, 10 s): leaves a call of notetakers only', async () => {
      const m = await meeting({ participants: [{ name: 'Fathom Notetaker', speaking: false }, { name: 'Otter.ai Recorder', speaking: false }] });
      const b = bot(m.join_url, {
        automatic_leave: { bot_detection: { using_participant_names: { timeout: 10, activate_after: 0, matches: ['notetaker', 'recorder'] } } },
        recording_config: { video_mixed_mp4: null },
      });
      await expectRule(b, 'call_ended', 'timeout_exceeded_only_bots_detected_using_participant_names', 'bot_names');
      expect(String(b.statuses.at(-2)!.detail!.bots).split(', ').sort()).toEqual(['Fathom Notetaker', 'Otter.ai Recorder']);
    });

    // Attendee's body: its silence timer may be shorter than Recall's minimum of 10 s (config.invalid.test.ts holds that).
    it('silence (Attendee, 3 s after 1 s): stays while the mix carries a voice, leaves after 3 s of a silent mix', async () => {
      const m = await meeting({ participants: [ALICE] });
      const b = bot(m.join_url, { automatic_leave_settings: { silence_timeout_seconds: 3, silence_activate_after_seconds: 1 }, recording_settings: { format: 'mp3' } });
      const admitted = await b.waitForStatus('in_call_not_recording', 90_000);
      // Armed after 1 s, 3 s of silence needed: 7 s in, a voice in the mix must still hold the bot.
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(admitted.created_at) + 7_000 - Date.now())));
      expect(b.codes).not.toContain('call_ended');
      await client.speak(m.id, m.participant_ids[0]!, false);
      const quietAt = Date.now();
      await expectRule(b, 'call_ended', 'timeout_exceeded_silence_detected', 'silence');
      expect(Date.parse(b.statuses.at(-2)!.created_at) - quietAt).toBeGreaterThanOrEqual(3_000);
    });
  });

  describe.concurrent('before anyone is there', () => {
    it('waiting_room_timeout (Attendee, 3 s): leaves the lobby unadmitted', async () => {
      const m = await meeting({ waiting_room: true });
      const b = bot(m.join_url, { automatic_leave_settings: { waiting_room_timeout_seconds: 3 } });
      await b.waitForStatus('in_waiting_room', 90_000);
      await expectRule(b, 'call_ended', 'timeout_exceeded_waiting_room', 'waiting_room_timeout');
      const view = await client.get(m.id);
      expect(view.bot.status).not.toBe('admitted');
      expect(view.events.map((e) => e.type)).toContain('cancel_clicked');
      expect(existsSync(join(b.outDir, 'recording.mp4'))).toBe(false);
    });

    it('wait_for_host_to_start_meeting_timeout_seconds (Attendee, 3 s): "When the meeting starts…" ends fatal meeting_not_started', async () => {
      const m = await meeting({ waiting_room: true, host_present: false });
      const b = bot(m.join_url, { automatic_leave_settings: { wait_for_host_to_start_meeting_timeout_seconds: 3 } });
      await b.waitForEvent((e) => e.event === 'bot.waiting_for_host', 90_000);
      await expectRule(b, 'fatal', 'meeting_not_started', 'wait_for_host_timeout');
    });

    it('in_call_recording_timeout (Recall, 6 s): leaves after recording for 6 s, the recording finalised; audio only, it turned incoming video off', async () => {
      const m = await meeting({ participants: [{ ...ALICE, speaking: false }] });
      const b = bot(m.join_url, { automatic_leave: { in_call_recording_timeout: 6 }, recording_config: { video_mixed_layout: 'audio_only' } });
      const recording = await b.waitForStatus('in_call_recording', 90_000);
      // View → More options → "Turn off incoming video" (Attendee): the meeting stops sending the bot video.
      const off = await client.waitFor(m.id, (v) => v.bot.receive_resolution === 'audio_only', 15_000, 'incoming video off');
      expect(off.events.filter((e) => e.type === 'incoming_video').map((e) => e.detail)).toEqual([{ on: false }]);
      await expectRule(b, 'call_ended', 'timeout_exceeded_in_call_recording', 'in_call_recording_timeout');
      expect(Date.parse(b.statuses.at(-2)!.created_at) - Date.parse(recording.created_at)).toBeGreaterThanOrEqual(6_000);
      expect(existsSync(join(b.outDir, 'recording.m4a'))).toBe(true);
    });
  });
});
