import { describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import type { BotProcess } from '../helpers/botProcess.js';
import { useMockServer } from '../helpers/mockSuite.js';

// What the real Webex web app may show that no public bot documents or that our adapter read too narrowly
// (issue 15), taught to the mock first: the real bot against it.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };

function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'webex', participants: [ALICE], ...spec });
}

function bot(url: string, body: Record<string, unknown> = {}): BotProcess {
  return startBot({ url, platform: 'webex', body: { bot_name: 'Webex Notetaker', ...body } });
}

// The three run side by side to keep the file short: the denial's bound (20 s, for a 6 s wait on an unknown screen)
// holds with two more bots joining. They use the global expect: a failed assertion throws into the test that awaited
// it, and none uses snapshots or expect.assertions.
describe.concurrent('webex adapter against undocumented Webex screens', () => {
  it('ends bot_kicked_from_waiting_room soon after a denial whose wording it does not know, not at the lobby timeout', async () => {
    const m = await meeting({ waiting_room: true });
    const b = bot(m.join_url, { recording_config: { video_mixed_layout: 'audio_only' } });
    await b.waitForStatus('in_waiting_room', 90_000);
    const deniedAt = Date.now();
    await client.deny(m.id);
    const ended = await b.waitForStatus('call_ended', 30_000);
    expect(ended).toMatchObject({ sub_code: 'bot_kicked_from_waiting_room', detail: { last_seen: 'waiting_room' } });
    expect(Date.now() - deniedAt).toBeLessThan(20_000);
    expect((await b.exited).code).toBe(0);
  });

  it('reads a plain button’s data-aria-label and mutes the live microphone before joining', async () => {
    const m = await meeting({ waiting_room: false, ui_variant: { webex_mic: 'live', webex_media_markup: 'plain' } });
    const b = bot(m.join_url, { recording_config: { video_mixed_layout: 'audio_only' } });
    await b.waitForStatus('in_call_recording', 90_000);
    const view = await client.get(m.id);
    expect(view.events.find((e) => e.type === 'join_form')?.detail).toMatchObject({ mic: false });
    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });

  it('opens the preloaded client with preload=false when the chooser never lets it through', async () => {
    const m = await meeting({ waiting_room: false, ui_variant: { webex_preload_iframe: true, webex_chooser_stuck: true } });
    const b = bot(m.join_url, { recording_config: { video_mixed_layout: 'audio_only' } });
    await b.waitForStatus('in_call_recording', 120_000);
    expect((await client.get(m.id)).joined_names).toEqual(['Webex Notetaker']);
    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });
});
