import { join } from 'node:path';
import { expect } from 'vitest';
import type { MeetingSpec, ParticipantSpec } from '../../fixtures/mock/client.js';
import type { Platform } from '../../src/config/botSpec.js';
import type { MockSuite } from './mockSuite.js';

const MESSAGE = 'Recording for the notes.';

/** Three participants with their own colour and tone; only Ada speaks at first. */
export const ADA = { name: 'Ada Example', color: '#c0392b', tone_hz: 440 };
export const GRACE = { name: 'Grace Example', color: '#27ae60', tone_hz: 660, speaking: false };
export const ALAN = { name: 'Alan Example', color: '#2980b9', tone_hz: 880, speaking: false };
export const LAYOUT_PEOPLE = [ADA, GRACE, ALAN];

/** The join message in the body's own API: the bot opens the chat panel to send it and keeps it open to read. */
function chatIn(body: Record<string, unknown>) {
  return 'recording_settings' in body ? { bot_chat_message: { message: MESSAGE } } : { chat: { on_bot_join: { send_to: 'everyone', message: MESSAGE } } };
}

/**
 * A bot records a call with these participants (no waiting room), sends its join message, lets `during` act
 * on the meeting, then is stopped; resolves to its recording and output folder.
 */
export async function recordedCall(
  suite: Pick<MockSuite, 'client' | 'startBot'>,
  o: { platform: Platform; participants: ParticipantSpec[]; body?: Record<string, unknown>; meeting?: Partial<MeetingSpec> },
  during: (meetingId: string, participantIds: string[]) => Promise<void>,
): Promise<{ file: string; outDir: string; meetingId: string }> {
  const { client, startBot } = suite;
  const body = o.body ?? {};
  const m = await client.createMeeting({ platform: o.platform, waiting_room: false, participants: o.participants, ...o.meeting });
  const b = startBot({ url: m.join_url, platform: o.platform, body: { bot_name: 'Layout Notetaker', ...chatIn(body), ...body } });
  await b.waitForStatus('in_call_recording', 60_000);
  await client.waitFor(m.id, (v) => v.chat_received.length > 0, 20_000, 'the join message');
  await during(m.id, m.participant_ids);
  expect(await b.stop()).toEqual({ code: 0, signal: null });
  return { file: join(b.outDir, 'recording.mp4'), outDir: b.outDir, meetingId: m.id };
}

export const pause = (ms: number) => () => new Promise<void>((r) => setTimeout(r, ms));
