import { expect } from 'vitest';
import type { BotProcess } from './botProcess.js';
import { toneEnergy } from '../../fixtures/media/audio.js';
import { execMedia } from '../../fixtures/media/exec.js';
import type { MeetingView, MockClient } from '../../fixtures/mock/client.js';

/** Checks every platform's end-to-end tests share: what the meeting saw, and what the recording holds. */

export async function durationSec(file: string): Promise<number> {
  const { stdout } = await execMedia('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.toString().trim());
}

/**
 * The bot's join message reached the meeting exactly, and a participant's message reached the bot as a
 * chat event under that participant. `ready` can ask for more before the exchange (e.g. media connected).
 */
export async function expectChatBothWays(
  b: BotProcess,
  client: MockClient,
  meetingId: string,
  botMessage: string,
  sender: string,
  ready: (v: MeetingView) => boolean = () => true,
): Promise<void> {
  const view = await client.waitFor(meetingId, (v) => v.chat_received.length > 0 && ready(v), 20_000, 'the bot chat message');
  expect(view.chat_received.map((c) => c.text)).toEqual([botMessage]);
  const text = 'Can you hear me, notetaker?';
  await client.chat(meetingId, sender, text);
  const seen = await b.waitForEvent((e) => e.event === 'participant_events.chat_message', 20_000);
  expect(seen).toMatchObject({ participant: { name: sender }, data: { text } });
}

/**
 * The recording covers the call from admission on (never the lobby: it is no longer than the time between
 * admission, `in_call_not_recording`, and `call_ended` plus `slackSec` of finalising) and holds every
 * participant's tone and not an unrelated one. Returns its duration.
 */
export async function expectRecordingOfCall(file: string, b: BotProcess, tones: number[], slackSec: number): Promise<number> {
  const at = (code: string) => Date.parse(b.statuses.find((e) => e.code === code)!.created_at);
  const seconds = await durationSec(file);
  // The recorder starts at admission; in_call_recording comes once its first audio is in, later on a busy machine.
  const recordedFor = (at('call_ended') - at('in_call_not_recording')) / 1000;
  expect(seconds).toBeGreaterThan(5);
  expect(seconds).toBeLessThan(recordedFor + slackSec);
  for (const tone of tones) expect(await toneEnergy(file, tone, 2, seconds - 0.5)).toBeGreaterThan(0.01);
  expect(await toneEnergy(file, 700, 2, seconds - 0.5)).toBeLessThan(0.003);
  return seconds;
}

/** Share of a frame's pixels within a small distance of `hex`: who was seen, by their tile colour. */
export async function colourShare(file: string, atSec: number, hex: string): Promise<number> {
  const { stdout } = await execMedia('ffmpeg', ['-v', 'error', '-ss', String(atSec), '-i', file, '-frames:v', '1', '-vf', 'scale=320:180', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let hits = 0;
  for (let i = 0; i + 2 < stdout.length; i += 3) {
    if (Math.abs(stdout[i]! - r!) + Math.abs(stdout[i + 1]! - g!) + Math.abs(stdout[i + 2]! - b!) < 40) hits++;
  }
  return hits / (stdout.length / 3);
}
