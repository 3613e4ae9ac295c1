import { describe, expect, it } from 'vitest';
import { FakeControlService } from '../helpers/fakeControlService.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { TreeWatcher } from '../helpers/processTree.js';

// A real bot (the compiled CLI) in the Meet mock, started as `meetbot serve` starts one: --control-url and the
// token in MEETBOT_CONTROL_TOKEN. A ws server in the test stands in for the service: it stores what the bot
// reports, sends it commands, and goes away and comes back on the same port in the middle of the call.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const TOKEN = 'e2e-control-token-5d1c';

describe('the command channel of a real bot', () => {
  it('reports every event in order, loses none while the service restarts, sends a commanded chat, and leaves on command', async () => {
    const service = await FakeControlService.start();
    try {
      const m = await client.createMeeting({ platform: 'google_meet', participants: [ALICE], waiting_room: false });
      const b = startBot({
        url: m.join_url,
        platform: 'google_meet',
        body: { bot_name: 'Channel Notetaker', recording_settings: { format: 'mp3' } },
        args: ['--control-url', service.url],
        env: { MEETBOT_CONTROL_TOKEN: TOKEN },
      });
      const tree = new TreeWatcher(b.proc.pid!);
      const reported = (event: string) => () => service.storedEvents.some((e) => e.event === event);
      const answer = (id: string) => service.results.find((r) => r.command_id === id);

      await b.waitForStatus('in_call_recording', 90_000);
      await service.waitFor(reported('bot.in_call_recording'), 10_000, 'in_call_recording at the service');
      expect(service.authorizations[0]).toBe(`Bearer ${TOKEN}`);

      // A chat message on command goes into the meeting, and is answered ok once sent.
      const text = 'Sent on the service’s command: this meeting is recorded.';
      service.command('c-chat', { kind: 'send_chat_message', text });
      const view = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 30_000, 'the commanded chat message');
      expect(view.chat_received.map((c) => c.text)).toEqual([text]);
      await service.waitFor(() => answer('c-chat') !== undefined, 10_000, 'the chat answer');
      expect(answer('c-chat')).toMatchObject({ ok: true });

      // The service goes away mid-call; what the bot reports meanwhile reaches it once it is back on the same port.
      await service.stop();
      await client.chat(m.id, ALICE.name, 'said while the service was down');
      await b.waitForEvent((e) => e.event === 'participant_events.chat_message', 20_000);
      await new Promise((r) => setTimeout(r, 2000));
      await service.restart();
      await service.waitFor(reported('participant_events.chat_message'), 20_000, 'the chat event reported while the service was down');

      service.command('c-leave', { kind: 'leave' });
      expect(await b.exited).toEqual({ code: 0, signal: null });
      expect(b.statuses.at(-2)).toMatchObject({ code: 'call_ended', sub_code: 'bot_received_leave_call', detail: { reason: 'leave command' } });
      expect(answer('c-leave')).toMatchObject({ ok: true });

      // Every seq from 1 to the last stored once, in order on each connection; the events are the bot's stdout.
      const items = [...service.stored.values()].sort((x, y) => x.seq - y.seq);
      expect(items.map((f) => f.seq)).toEqual(items.map((_, i) => i + 1));
      for (let c = 1; c <= service.connections; c++) {
        const seqs = service.received.flatMap((f) => (f.connection === c && f.type !== 'command_result' ? [f.seq] : []));
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      }
      expect(service.connections).toBeGreaterThanOrEqual(2);
      const whileDown = items.find((f) => f.type === 'event' && f.event.event === 'participant_events.chat_message')!;
      expect(service.received.filter((f) => f.type !== 'command_result' && f.seq === whileDown.seq).map((f) => f.connection)).not.toContain(1);
      expect(service.storedEvents).toEqual(b.events);
      expect(items.at(-2)).toMatchObject({ type: 'manifest', manifest: { final: { code: 'done' }, bot_name: 'Channel Notetaker' } });
      expect(items.at(-1)).toMatchObject({ type: 'event', event: { event: 'bot.done' } });
      expect(service.invalid).toEqual([]);
      expect(b.stderr).not.toContain(TOKEN);
      expect(tree.leftovers().map((p) => `${p.pid} ${p.args.slice(0, 120)}`)).toEqual([]);
    } finally {
      await service.stop();
    }
  });
});
