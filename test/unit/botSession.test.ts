import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStatusEvent } from '../../src/events/botEvents.js';
import { JoinStepError } from '../../src/platform/adapter.js';
import { BotSession } from '../../src/session/botSession.js';
import { UnexpectedFault } from '../../src/session/endReason.js';
import { IllegalPhaseChange, nextPhase, SESSION_PHASES, type SessionPhase } from '../../src/session/phases.js';
import type { RuntimeOptions } from '../../src/session/runtimeOptions.js';
import type { BotSpec } from '../../src/config/botSpec.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { FakeControlService } from '../helpers/fakeControlService.js';
import { eventsIn, FakeAdapter, fakeOptions, fakeSpec, fakeWorld, phasesIn, type FakeWorld } from '../helpers/fakeSession.js';

// The session's phase changes and end paths, with fakes for the browser, the display, the recorder and the
// page: every way a bot's run can end, each in milliseconds.

const ENDED_BY_HOST = { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'call_ended_by_host' }, text: 'Your host ended the meeting' } as const;

async function run(world: FakeWorld, opts: { spec?: BotSpec; options?: Partial<RuntimeOptions>; stop?: AbortSignal; during?: (s: BotSession) => void } = {}) {
  const options = fakeOptions(opts.options);
  const session = new BotSession(opts.spec ?? fakeSpec(), options, world.deps);
  const outcome = session.run(opts.stop ?? new AbortController().signal);
  opts.during?.(session);
  const result = await outcome;
  const statuses = eventsIn(options.outDir).filter(isStatusEvent);
  return { ...result, outDir: options.outDir, statuses, codes: statuses.map((e) => e.code), phases: phasesIn(options.outDir) };
}

/** Everything the session started is gone: the browser closed once, the display and audio server disposed. */
function expectReleased(world: FakeWorld) {
  expect(world.browser.closed).toBe(1);
  expect(world.media.disposed).toBe(world.media.started);
  for (const r of world.recordings) expect(r.stopped).toBeGreaterThan(0);
}

describe('BotSession: phases', () => {
  it('walks launching → joining → admitting → in_call → ending → finished, and its statuses follow the page', async () => {
    const adapter = new FakeAdapter({ phase: 'joining' }, { phase: 'waiting_room' }, { phase: 'waiting_room' }, { phase: 'in_call' });
    adapter.participants = [{ id: 'a', name: 'Alice', is_self: false, speaking: true }];
    const world = fakeWorld(adapter);
    const r = await run(world, { spec: fakeSpec({ in_call_recording_timeout: 0.05 }, { chat: { on_bot_join: { message: 'Hello' } } }) });
    expect(r.phases).toEqual(['joining', 'admitting', 'in_call', 'ending', 'finished']);
    expect(r.codes).toEqual(['joining_call', 'in_waiting_room', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done']);
    expect(r.statuses.at(-2)).toMatchObject({ sub_code: 'timeout_exceeded_in_call_recording', detail: { rule: 'in_call_recording_timeout' } });
    expect(r.exitCode).toBe(0);
    // In the call: the in-call steps ran once, the join message went out, and the bot left by the adapter.
    expect(adapter.calls.filter((c) => c === 'afterAdmitted')).toHaveLength(1);
    expect(adapter.chatSent).toEqual(['Hello']);
    expect(adapter.calls.at(-1)).toBe('leave');
    expect(eventsIn(r.outDir).map((e) => e.event)).toContain('participant_events.join');
    const manifest = JSON.parse(readFileSync(join(r.outDir, 'manifest.json'), 'utf8')) as { timings_ms: { durations: object; process_uptime: object } };
    expect(Object.keys(manifest.timings_ms.durations).sort()).toEqual(['browser_launch', 'join_steps', 'media_environment']);
    expect(Object.keys(manifest.timings_ms.process_uptime).sort()).toEqual(['admitted', 'recording_started']);
    expectReleased(world);
  });

  it('warns once, first, of the accepted fields it does not act on, each with its reason', async () => {
    const world = fakeWorld(new FakeAdapter(ENDED_BY_HOST));
    const r = await run(world, { spec: fakeSpec({}, { recording_config: { transcript: { provider: { meeting_captions: {} } } } }) });
    expect(eventsIn(r.outDir)[0]).toMatchObject({
      event: 'bot.warning',
      kind: 'unsupported_fields',
      fields: [{ path: 'recording_config.transcript', reason: expect.stringMatching(/does not transcribe/) }],
    });
  });

  it('declares a table in which every phase before ending can end, and ending leads only to finished', () => {
    const before: SessionPhase[] = ['launching', 'joining', 'admitting', 'in_call'];
    for (const p of before) expect(SESSION_PHASES[p].next).toContain('ending');
    expect(SESSION_PHASES.ending.next).toEqual(['finished']);
    expect(SESSION_PHASES.finished.next).toEqual([]);
    expect(() => nextPhase('launching', 'in_call')).toThrow(IllegalPhaseChange);
    expect(() => nextPhase('finished', 'ending')).toThrow(IllegalPhaseChange);
  });
});

describe('BotSession: every end goes through one EndReason', () => {
  it('a stop signal in the call: leaves, call_ended / bot_received_leave_call, done', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    const stop = new AbortController();
    world.recordings.length = 0;
    const adapter = world.adapter;
    adapter.afterAdmittedImpl = async () => stop.abort();
    const r = await run(world, { stop: stop.signal });
    expect(r.codes).toEqual(['joining_call', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done']);
    expect(r.final).toMatchObject({ code: 'done' });
    expect(r.statuses.at(-2)).toMatchObject({ sub_code: 'bot_received_leave_call', detail: { reason: 'stop signal' } });
    expect(adapter.calls).toContain('leave');
    expectReleased(world);
  });

  it('a stop before anything started: nothing is launched, joining_call → call_ended → done', async () => {
    const world = fakeWorld(new FakeAdapter());
    const stop = new AbortController();
    stop.abort();
    const r = await run(world, { stop: stop.signal });
    expect(r.codes).toEqual(['joining_call', 'call_ended', 'done']);
    expect(r.phases).toEqual(['ending', 'finished']);
    expect(world.media.started).toBe(0);
    expect(world.adapter.calls).toEqual([]);
  });

  it('the process broke (UnexpectedFault): fatal / bot_errored with its message', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    const stop = new AbortController();
    world.adapter.afterAdmittedImpl = async () => stop.abort(new UnexpectedFault('boom'));
    const r = await run(world, { stop: stop.signal });
    expect(r.final).toMatchObject({ code: 'fatal', sub_code: 'bot_errored', detail: { message: 'boom' } });
    expect(r.exitCode).toBe(1);
    expectReleased(world);
  });

  it('the meeting let the bot go (ended by the host): no leave, call_ended / call_ended_by_host', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }, { phase: 'in_call' }, ENDED_BY_HOST));
    const r = await run(world);
    expect(r.statuses.at(-2)).toMatchObject({ code: 'call_ended', sub_code: 'call_ended_by_host', detail: { text: 'Your host ended the meeting' } });
    expect(world.adapter.calls).not.toContain('leave');
    expect(world.browser.navigations).toEqual([]);
    expectReleased(world);
  });

  it('a join step fails: fatal with its sub_code and step, evidence kept, the half-joined page navigated away', async () => {
    const world = fakeWorld(new FakeAdapter());
    world.adapter.joinImpl = async () => {
      throw new JoinStepError('click the join button', ['button[jsname="Qx7uuf"]'], 'ui_element_not_found', 'nothing matched');
    };
    const r = await run(world);
    expect(r.codes).toEqual(['joining_call', 'fatal']);
    expect(r.final).toMatchObject({ sub_code: 'ui_element_not_found', detail: { step: 'click the join button' } });
    expect(readFileSync(join(r.outDir, 'failure', 'error.txt'), 'utf8')).toContain('button[jsname="Qx7uuf"]');
    expect(world.browser.navigations).toEqual(['about:blank']);
    expect(r.phases).toEqual(['joining', 'ending', 'finished']);
    expectReleased(world);
  });

  it('Chromium dies in the call: fatal / browser_crashed, the page is neither clicked nor photographed', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    world.adapter.afterAdmittedImpl = async () => world.browser.crash();
    const r = await run(world);
    expect(r.final).toMatchObject({ code: 'fatal', sub_code: 'browser_crashed', detail: { reason: 'chromium crashed (SIGKILL)' } });
    expect(world.adapter.calls).not.toContain('leave');
    expect(existsSync(join(r.outDir, 'failure', 'screenshot.png'))).toBe(false);
    expect(readFileSync(join(r.outDir, 'failure', 'error.txt'), 'utf8')).toContain('url: (no page)');
  });

  it('a page that stops answering ends page_unresponsive after the watchdog period, not before', async () => {
    const world = fakeWorld(new FakeAdapter());
    world.adapter.probeImpl = () => new Promise(() => undefined);
    const started = Date.now();
    const r = await run(world, { options: { watchdogSec: 0.3 } });
    expect(r.final).toMatchObject({ code: 'fatal', sub_code: 'page_unresponsive', detail: { seconds: 0.3 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('a join that makes no progress ends watchdog_no_progress, naming the join step', async () => {
    const world = fakeWorld(new FakeAdapter());
    world.adapter.joinImpl = () => new Promise(() => undefined);
    const r = await run(world, { options: { watchdogSec: 0.2 } });
    expect(r.final).toMatchObject({ code: 'fatal', sub_code: 'watchdog_no_progress', detail: { step: 'join' } });
    expect(r.codes).toEqual(['joining_call', 'fatal']);
    expectReleased(world);
  });

  it('a recorder that gives up ends recording_failed; one that cannot start ends the bot with its message', async () => {
    const gaveUp = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    // The recorder starts once the recording's picture is up, beside the adapter's in-call steps.
    gaveUp.adapter.afterAdmittedImpl = async () => {
      while (!gaveUp.recordings[0]) await new Promise((r) => setTimeout(r, 5));
      gaveUp.recordings[0].opts.onFailure('ffmpeg failed 5 times');
    };
    const r1 = await run(gaveUp);
    expect(r1.final).toMatchObject({ code: 'fatal', sub_code: 'recording_failed', detail: { reason: 'ffmpeg failed 5 times' } });
    expect(r1.codes).toContain('in_call_recording');

    const cannotStart = fakeWorld(new FakeAdapter({ phase: 'in_call' }), {
      recordingStart: async () => {
        throw new Error('ffmpeg: no output within 15000 ms');
      },
    });
    const r2 = await run(cannotStart);
    expect(r2.final).toMatchObject({ code: 'fatal', sub_code: 'bot_errored', detail: { message: 'ffmpeg: no output within 15000 ms' } });
    expect(r2.codes).not.toContain('in_call_recording');
    expectReleased(cannotStart);
  });

  it('a rule in the lobby: leaves the lobby, call_ended / timeout_exceeded_waiting_room', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'waiting_room' }));
    const r = await run(world, { spec: fakeSpec({ waiting_room_timeout: 0.05 }) });
    expect(r.codes).toEqual(['joining_call', 'in_waiting_room', 'call_ended', 'done']);
    expect(r.statuses.at(-2)).toMatchObject({ sub_code: 'timeout_exceeded_waiting_room' });
    expect(world.adapter.calls.at(-1)).toBe('leave');
    expect(world.recordings).toEqual([]);
  });

  it('the first reason wins: a crash while leaving on a stop does not change the end', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    const stop = new AbortController();
    world.adapter.afterAdmittedImpl = async () => stop.abort();
    world.adapter.leave = async () => {
      world.adapter.calls.push('leave');
      world.browser.crashPage();
      world.browser.crash();
    };
    const r = await run(world, { stop: stop.signal });
    expect(r.codes.slice(-2)).toEqual(['call_ended', 'done']);
    expect(r.statuses.at(-2)).toMatchObject({ sub_code: 'bot_received_leave_call' });
  });

  it('the runtime cap ends the bot fatal / global_runtime_exceeded wherever it is', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'waiting_for_host' }));
    const r = await run(world, { options: { maxRuntimeSec: 0.1 } });
    expect(r.final).toMatchObject({ code: 'fatal', sub_code: 'global_runtime_exceeded', detail: { seconds: 0.1 } });
    expect(eventsIn(r.outDir).filter((e) => e.event === 'bot.waiting_for_host')).toHaveLength(1);
    expectReleased(world);
  });

  it('a page that stops showing the meeting, with no known screen, ends after a few looks: from the call and from the lobby', async () => {
    for (const [place, sub_code] of [
      ['in_call', 'bot_removed_or_call_ended'],
      ['waiting_room', 'bot_kicked_from_waiting_room'],
    ] as const) {
      const clock = new FakeClock();
      const adapter = new FakeAdapter({ phase: place }, { phase: place }, { phase: 'unknown' });
      adapter.onProbe = () => clock.advance(1000);
      const world = fakeWorld(adapter);
      const r = await run({ ...world, deps: { ...world.deps, clock } });
      expect(r.statuses.at(-2)).toMatchObject({ code: 'call_ended', sub_code, detail: { last_seen: place } });
      expect(adapter.calls).not.toContain('leave');
    }
  });

  it('Zoom’s 3,001 page while joining: the wait counts for the host rule, which reports the link invalid', async () => {
    const world = fakeWorld(new FakeAdapter());
    world.adapter.joinImpl = async (ctx) => {
      // The join steps reload the page and report the wait until the session ends them.
      while (!ctx.signal.aborted) {
        ctx.onScreen({ phase: 'waiting_for_host', unstartedMeans: 'meeting_link_invalid' });
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const r = await run(world, { spec: fakeSpec({ wait_for_host_timeout: 0.1 }) });
    expect(r.final).toMatchObject({ code: 'fatal', sub_code: 'meeting_link_invalid', detail: { rule: 'wait_for_host_timeout' } });
    expect(eventsIn(r.outDir).filter((e) => e.event === 'bot.waiting_for_host')).toHaveLength(1);
    expect(r.codes).toEqual(['joining_call', 'fatal']);
  });
});

describe('BotSession: commands from the service (--control-url)', () => {
  const TOKEN = 'unit-control-token';
  let service: FakeControlService;
  beforeEach(async () => {
    service = await FakeControlService.start();
  });
  afterEach(() => service.stop());

  const control = () => ({ controlUrl: service.url, controlToken: TOKEN });
  const reported = (event: string) => () => service.storedEvents.some((e) => e.event === event);
  const answered = (id: string) => () => service.results.some((r) => r.command_id === id);

  it('leave: the end of a stop (call_ended / bot_received_leave_call, done), answered ok; every event reaches the service, the manifest just before the final status', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    // The service drops the connection as the bot leaves: the last events and the manifest wait for the reconnect.
    world.adapter.leave = async () => {
      world.adapter.calls.push('leave');
      await service.waitFor(answered('c-leave'), 5000, 'the answer');
      service.dropConnections();
    };
    const r = await run(world, {
      options: control(),
      during: () =>
        void service.waitFor(reported('bot.in_call_recording'), 5000, 'in_call_recording').then(() => service.command('c-leave', { kind: 'leave' })),
    });
    expect(service.connections).toBe(2);
    expect(r.codes.slice(-2)).toEqual(['call_ended', 'done']);
    expect(r.statuses.at(-2)).toMatchObject({ sub_code: 'bot_received_leave_call', detail: { reason: 'leave command' } });
    expect(world.adapter.calls.at(-1)).toBe('leave');
    expect(service.results.map(({ command_id, ok }) => ({ command_id, ok }))).toEqual([{ command_id: 'c-leave', ok: true }]);
    // The service has what events.jsonl has, in order, the manifest just before `done`; all of it acknowledged before the end.
    const items = [...service.stored.values()].sort((a, b) => a.seq - b.seq);
    expect(items.map((f) => f.seq)).toEqual(items.map((_, i) => i + 1));
    expect(service.storedEvents.map((e) => e.event)).toEqual(eventsIn(r.outDir).filter((e) => e.event !== 'webhook.delivery').map((e) => e.event));
    expect(items.at(-2)).toMatchObject({ type: 'manifest', manifest: { bot_id: 'unit-bot-0001', final: { code: 'done' } } });
    expect(items.at(-1)).toMatchObject({ type: 'event', event: { event: 'bot.done' } });
    expect(readFileSync(join(r.outDir, 'bot.log'), 'utf8')).not.toContain(TOKEN);
  });

  it('a service that cannot be reached delays nothing but the end, by at most the 3 s the bot waits for acks', async () => {
    await service.stop();
    const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    const started = Date.now();
    const r = await run(world, { options: control(), spec: fakeSpec({ in_call_recording_timeout: 0.2 }) });
    const at = (code: string) => Date.parse(r.statuses.find((e) => e.code === code)!.created_at);
    expect(r.codes).toEqual(['joining_call', 'in_call_not_recording', 'in_call_recording', 'call_ended', 'done']);
    expect(at('in_call_recording') - at('joining_call')).toBeLessThan(500);
    expect(Date.now() - started).toBeLessThan(3000 + 1500);
    expect(readFileSync(join(r.outDir, 'bot.log'), 'utf8')).toContain('the service did not acknowledge everything in time');
  });

  it('send_chat_message in the call: sent by the adapter after the in-call steps, answered ok, in chat.jsonl', async () => {
    const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    // The in-call steps are still busy (a dialog, the chat panel) when the command comes: it waits its turn.
    world.adapter.afterAdmittedImpl = async () => {
      await new Promise((r) => setTimeout(r, 300));
      world.adapter.calls.push('afterAdmitted done');
    };
    const text = 'Hello from the service';
    const r = await run(world, {
      options: control(),
      during: () =>
        void (async () => {
          await service.waitFor(reported('bot.in_call_not_recording'), 5000, 'admission');
          service.command('c-chat', { kind: 'send_chat_message', text });
          await service.waitFor(answered('c-chat'), 5000, 'the chat answer');
          service.command('c-leave', { kind: 'leave' });
        })(),
    });
    expect(world.adapter.chatSent).toEqual([text]);
    expect(world.adapter.calls.indexOf('sendChat')).toBeGreaterThan(world.adapter.calls.indexOf('afterAdmitted done'));
    expect(service.results.find((c) => c.command_id === 'c-chat')).toMatchObject({ ok: true });
    expect(readFileSync(join(r.outDir, 'chat.jsonl'), 'utf8')).toContain(text);
    expect(r.statuses.at(-2)).toMatchObject({ sub_code: 'bot_received_leave_call' });
  });

  it('send_chat_message before admission: answered ok: false, nothing typed', async () => {
    const lobby = fakeWorld(new FakeAdapter({ phase: 'waiting_room' }));
    const r = await run(lobby, {
      options: control(),
      during: () =>
        void (async () => {
          await service.waitFor(reported('bot.in_waiting_room'), 5000, 'the lobby');
          service.command('c-early', { kind: 'send_chat_message', text: 'too early' });
          await service.waitFor(answered('c-early'), 5000, 'the answer');
          service.command('c-leave', { kind: 'leave' });
        })(),
    });
    expect(service.results.find((c) => c.command_id === 'c-early')).toMatchObject({ ok: false, error: 'the bot is not in the call yet' });
    expect(lobby.adapter.calls).not.toContain('sendChat');
    expect(r.codes).toEqual(['joining_call', 'in_waiting_room', 'call_ended', 'done']);
  });

  it('send_chat_message the page refuses: answered ok: false with the reason, and the chat_not_sent warning', async () => {
    const refused = fakeWorld(new FakeAdapter({ phase: 'in_call' }));
    refused.adapter.sendChat = () => Promise.reject(new Error('the chat box is disabled'));
    const r = await run(refused, {
      options: control(),
      during: () =>
        void (async () => {
          await service.waitFor(reported('bot.in_call_recording'), 5000, 'the call');
          service.command('c-refused', { kind: 'send_chat_message', text: 'hello' });
          await service.waitFor(answered('c-refused'), 5000, 'the answer');
          service.command('c-leave', { kind: 'leave' });
        })(),
    });
    expect(service.results.find((c) => c.command_id === 'c-refused')).toMatchObject({ ok: false, error: 'the chat box is disabled' });
    expect(eventsIn(r.outDir)).toContainEqual(expect.objectContaining({ event: 'bot.warning', kind: 'chat_not_sent', message: 'Error: the chat box is disabled' }));
    expect(r.final).toMatchObject({ code: 'done' });
  });
});
