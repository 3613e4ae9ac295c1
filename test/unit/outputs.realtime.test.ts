import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeEndpoint } from '../../src/config/botSpec.js';
import { RealtimeHub, type RealtimeHubOptions } from '../../src/outputs/realtime.js';
import type { Logger } from '../../src/util/log.js';
import { WsReceiver, waitFor } from '../helpers/receivers.js';

const TOKEN = 'rt_token_s3cret';
const START = new Date('2026-01-01T12:00:00.000Z');

let receivers: WsReceiver[] = [];
let hubs: RealtimeHub[] = [];

afterEach(async () => {
  for (const h of hubs) await h.close();
  for (const r of receivers) await r.down();
  hubs = [];
  receivers = [];
});

async function receiver(): Promise<WsReceiver> {
  const r = await WsReceiver.start();
  receivers.push(r);
  return r;
}

function endpoint(url: string, events: string[], extra: Partial<RealtimeEndpoint> = {}): RealtimeEndpoint {
  return { type: 'websocket', url, events, format: 'recall', sample_rate: 16000, metadata: { stream: 'main' }, ...extra };
}

function hub(endpoints: RealtimeEndpoint[], extra: Partial<RealtimeHubOptions> = {}): RealtimeHub {
  const h = new RealtimeHub({
    endpoints,
    botId: 'bot-123',
    metadata: { customer: 'acme' },
    log: memoryLogger().log,
    reconnect: { attempts: 50, delayMs: 20 },
    ...extra,
  });
  hubs.push(h);
  return h;
}

function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (channel: string): Logger => {
    const w = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
      lines.push(JSON.stringify({ level, channel, msg, ...fields }));
    return { debug: w('debug'), info: w('info'), warn: w('warn'), error: w('error'), child: (c) => at(`${channel}.${c}`) };
  };
  return { log: at('test'), lines };
}

/** S16LE mono 440 Hz at 16 kHz, cut into frames of `frameMs`. */
function toneFrames(seconds: number, frameMs: number): Buffer[] {
  const rate = 16000;
  const pcm = Buffer.alloc(seconds * rate * 2);
  for (let i = 0; i < seconds * rate; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const step = (rate * frameMs * 2) / 1000;
  const frames: Buffer[] = [];
  for (let off = 0; off < pcm.length; off += step) frames.push(pcm.subarray(off, off + step));
  return frames;
}

function sendAudio(h: RealtimeHub, frames: Buffer[], frameMs: number): void {
  frames.forEach((pcm, i) =>
    h.audio({ pcm, relativeSec: (i * frameMs) / 1000, capturedAt: new Date(START.getTime() + i * frameMs) }),
  );
}

/** Sign changes from `fromSample` on. */
function zeroCrossings(b: Buffer, fromSample = 0): number {
  let n = 0;
  for (let i = (fromSample + 1) * 2; i < b.length; i += 2) if (b.readInt16LE(i - 2) < 0 !== b.readInt16LE(i) < 0) n++;
  return n;
}

describe('RealtimeHub', () => {
  it("streams mixed audio in Recall's shape, and the base64 decodes back to the exact PCM sent", async () => {
    const r = await receiver();
    const h = hub([endpoint(r.url(`?token=${TOKEN}`), ['audio_mixed_raw.data'])]);
    const frames = toneFrames(1, 100);
    // Sent at once, before the connection is even open: queued (within the bound) and delivered in order.
    sendAudio(h, frames, 100);
    await waitFor('10 frames', () => r.messages.length === 10);

    const msgs = r.json();
    for (const [i, m] of msgs.entries()) {
      expect(m.event).toBe('audio_mixed_raw.data');
      expect(Object.keys(m.data).sort()).toEqual(['audio_mixed', 'bot', 'data', 'realtime_endpoint', 'recording']);
      expect(m.data.data.timestamp).toEqual({
        relative: i / 10,
        absolute: new Date(START.getTime() + i * 100).toISOString(),
      });
      expect(m.data.bot).toEqual({ id: 'bot-123', metadata: { customer: 'acme' } });
      expect(m.data.realtime_endpoint.metadata).toEqual({ stream: 'main' });
      expect(typeof m.data.recording.id).toBe('string');
      expect(typeof m.data.audio_mixed.id).toBe('string');
    }
    const decoded = Buffer.concat(msgs.map((m) => Buffer.from(m.data.data.buffer as string, 'base64')));
    expect(decoded.equals(Buffer.concat(frames))).toBe(true);
    expect(zeroCrossings(decoded)).toBeGreaterThan(875); // 440 Hz for 1 s: 880 crossings
    expect(h.stats()).toMatchObject({ sent: 10, dropped: 0, failedEndpoints: [] });
  });

  it("speaks Attendee's realtime_audio.mixed at 8000 and 24000 Hz with the right sample counts", async () => {
    const r8 = await receiver();
    const r24 = await receiver();
    const h = hub([
      endpoint(r8.url(), ['realtime_audio.mixed'], { format: 'attendee', sample_rate: 8000 }),
      endpoint(r24.url(), ['realtime_audio.mixed'], { format: 'attendee', sample_rate: 24000 }),
    ]);
    const frames = toneFrames(1, 20);
    sendAudio(h, frames, 20);
    await waitFor('50 frames each', () => r8.messages.length === 50 && r24.messages.length === 50);

    for (const [r, rate] of [
      [r8, 8000],
      [r24, 24000],
    ] as const) {
      const msgs = r.json();
      const chunks = msgs.map((m) => Buffer.from(m.data.chunk as string, 'base64'));
      expect(chunks.every((c) => c.length / 2 === (rate * 20) / 1000)).toBe(true);
      const all = Buffer.concat(chunks);
      expect(all.length / 2).toBe(rate);
      // Still a 440 Hz tone after resampling. The first 10 ms are left out: the filter rings faintly where the
      // tone starts out of silence. 0.99 s of 440 Hz = 871.2 crossings.
      expect(Math.abs(zeroCrossings(all, rate / 100) - 871.2)).toBeLessThanOrEqual(1);
      for (const [i, m] of msgs.entries()) {
        expect(m).toMatchObject({ bot_id: 'bot-123', trigger: 'realtime_audio.mixed', data: { sample_rate: rate } });
        expect(Object.keys(m).sort()).toEqual(['bot_id', 'data', 'trigger']);
        const expected = START.getTime() + i * 20;
        expect(m.data.timestamp_ms).toBeLessThanOrEqual(expected);
        expect(m.data.timestamp_ms).toBeGreaterThanOrEqual(expected - 2);
      }
    }
  });

  it('sends participant and chat events in Recall shape, only to endpoints subscribed to them', async () => {
    const people = await receiver();
    const audioOnly = await receiver();
    const attendee = await receiver();
    const h = hub([
      endpoint(people.url(), ['participant_events.join', 'participant_events.chat_message', 'participant_events.leave']),
      endpoint(audioOnly.url(), ['audio_mixed_raw.data']),
      // Attendee's websocket has no participant events, whatever is listed.
      endpoint(attendee.url(), ['realtime_audio.mixed', 'participant_events.join'], { format: 'attendee' }),
    ]);
    await waitFor('connections', () => people.connections + audioOnly.connections + attendee.connections === 3);
    const ann = { id: 'spaces/abc/devices/7', name: 'Ann Lee' };
    const bob = { id: 'spaces/abc/devices/9', name: 'Bob Ó Briain' };
    const at = (s: number) => ({ relativeSec: s, capturedAt: new Date(START.getTime() + s * 1000) });
    h.participantEvent('join', ann, at(1));
    h.participantEvent('join', bob, at(2));
    h.participantEvent('speech_on', ann, at(3)); // not subscribed
    h.participantEvent('chat_message', bob, at(4), { text: 'Hello 👋, are we recording?', to: 'everyone' });
    h.participantEvent('leave', ann, at(5));
    sendAudio(h, toneFrames(1, 500), 500);
    // Sent last: once it is in, anything sent before it to the same endpoint would be in too (ws keeps order).
    h.participantEvent('leave', bob, at(6));
    await waitFor('5 events', () => people.messages.length === 5);
    await waitFor('audio', () => audioOnly.messages.length === 2 && attendee.messages.length === 2);

    const msgs = people.json();
    expect(msgs.map((m) => m.event)).toEqual([
      'participant_events.join',
      'participant_events.join',
      'participant_events.chat_message',
      'participant_events.leave',
      'participant_events.leave',
    ]);
    const [annJoin, bobJoin, chat, annLeave] = msgs;
    expect(annJoin.data.data).toEqual({
      // is_host is Recall's required boolean; meetbot never claims a host it cannot see.
      participant: { id: 1, name: 'Ann Lee', is_host: false, platform: null, extra_data: { participant_id: ann.id } },
      timestamp: { absolute: '2026-01-01T12:00:01.000Z', relative: 1 },
      data: null,
    });
    expect(bobJoin.data.data.participant).toMatchObject({ id: 2, name: 'Bob Ó Briain', is_host: false });
    expect(chat.data.data.participant.id).toBe(2);
    expect(chat.data.data.data).toEqual({ text: 'Hello 👋, are we recording?', to: 'everyone' });
    expect(annLeave.data.data.participant.id).toBe(1);
    expect(Object.keys(annJoin.data).sort()).toEqual(['bot', 'data', 'participant_events', 'realtime_endpoint', 'recording']);

    expect(audioOnly.json().every((m) => m.event === 'audio_mixed_raw.data')).toBe(true);
    expect(attendee.json().map((m) => m.trigger)).toEqual(['realtime_audio.mixed', 'realtime_audio.mixed']);
  });

  it('drops and counts frames for a receiver that stops reading, without stalling or buffering past the bound', async () => {
    const r = await receiver();
    const bound = 256 * 1024;
    let maxBuffered = 0;
    // The injectable WebSocket lets the test watch the socket's own buffer after every send.
    class WatchedWebSocket extends WebSocket {
      override send(data: unknown, ...rest: unknown[]): void {
        (super.send as (...a: unknown[]) => void)(data, ...rest);
        maxBuffered = Math.max(maxBuffered, this.bufferedAmount);
      }
    }
    const h = hub([endpoint(r.url(), ['audio_mixed_raw.data'])], {
      maxBufferedBytes: bound,
      WebSocketImpl: WatchedWebSocket,
    });
    const oneSecond = toneFrames(1, 1000)[0]!; // ≈ 43 kB per JSON frame
    h.audio({ pcm: oneSecond, relativeSec: 0, capturedAt: START });
    await waitFor('first frame', () => r.messages.length === 1);
    r.pause();

    // ≈ 86 MB of frames at a receiver that reads nothing: far beyond what loopback's kernel buffers absorb.
    const total = 2000;
    const t0 = performance.now();
    for (let i = 1; i <= total; i++) h.audio({ pcm: oneSecond, relativeSec: i, capturedAt: START });
    const elapsed = performance.now() - t0;

    const s = h.stats();
    expect(s.dropped).toBeGreaterThan(total / 2);
    expect(s.sent + s.dropped).toBe(total + 1);
    expect(maxBuffered).toBeLessThanOrEqual(bound);
    expect(elapsed).toBeLessThan(10_000); // a stall would never return at all; this only bounds a pathological slowdown

    // Once the receiver reads again it gets exactly the frames counted as sent, then new ones flow.
    r.resume();
    await waitFor('sent frames arrive', () => r.messages.length === s.sent, 10_000);
    h.audio({ pcm: oneSecond, relativeSec: total + 1, capturedAt: START });
    await waitFor('new frame arrives', () => r.messages.length === s.sent + 1);
    expect(h.stats().dropped).toBe(s.dropped);
  });

  it('reconnects after the receiver restarts and delivers what came during the outage', async () => {
    const r = await receiver();
    const { log, lines } = memoryLogger();
    const h = hub([endpoint(r.url(`?token=${TOKEN}`), ['audio_mixed_raw.data'])], { log });
    const frames = toneFrames(1, 100);
    h.audio({ pcm: frames[0]!, relativeSec: 0, capturedAt: START });
    await waitFor('first frame', () => r.messages.length === 1);

    await r.down();
    await waitFor('disconnect noticed', () => lines.some((l) => l.includes('realtime endpoint disconnected')));
    for (let i = 1; i < 5; i++) h.audio({ pcm: frames[i]!, relativeSec: i / 10, capturedAt: START });
    await new Promise((res) => setTimeout(res, 100)); // a few failed reconnect attempts
    await r.up();
    await waitFor('reconnected', () => h.stats().reconnects === 1);
    for (let i = 5; i < 10; i++) h.audio({ pcm: frames[i]!, relativeSec: i / 10, capturedAt: START });
    await waitFor('all frames', () => r.messages.length === 10);

    const decoded = Buffer.concat(r.json().map((m) => Buffer.from(m.data.data.buffer as string, 'base64')));
    expect(decoded.equals(Buffer.concat(frames))).toBe(true);
    expect(r.connections).toBe(2);
    expect(h.stats()).toMatchObject({ sent: 10, dropped: 0, reconnects: 1, failedEndpoints: [] });
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('gives an endpoint up after its reconnect attempts, reports it without its query, and counts its drops', async () => {
    const r = await receiver();
    const url = r.url(`?token=${TOKEN}`);
    await r.down();
    const { log, lines } = memoryLogger();
    const h = hub([endpoint(url, ['audio_mixed_raw.data'])], { log, reconnect: { attempts: 3, delayMs: 10 } });
    await waitFor('failed', () => h.stats().failedEndpoints.length === 1);
    sendAudio(h, toneFrames(1, 100), 100);

    expect(h.stats()).toEqual({ sent: 0, dropped: 10, reconnects: 0, failedEndpoints: [r.url()] });
    expect(lines.some((l) => l.includes('no more reconnect attempts'))).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
    // Failed is final: a receiver coming back later is not reconnected.
    await r.up();
    await new Promise((res) => setTimeout(res, 100));
    expect(r.connections).toBe(0);
  });

  it('fails an endpoint whose URL cannot be used at once, without quoting its query', () => {
    const { log, lines } = memoryLogger();
    const h = hub([endpoint(`not a url?token=${TOKEN}`, ['audio_mixed_raw.data'])], { log });
    sendAudio(h, toneFrames(1, 500), 500);
    expect(h.stats()).toEqual({ sent: 0, dropped: 2, reconnects: 0, failedEndpoints: ['not a url'] });
    expect(lines.join('\n')).toContain('not a usable websocket URL');
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('closes every connection cleanly and ignores calls after close', async () => {
    const r = await receiver();
    const h = hub([endpoint(r.url(), ['audio_mixed_raw.data', 'participant_events.join'])]);
    h.participantEvent('join', { id: 'a', name: 'A' }, { relativeSec: 0, capturedAt: START });
    await waitFor('open (a frame went through)', () => r.messages.length === 1);
    await h.close();
    await waitFor('server saw close', () => r.closeCodes.length === 1);
    expect(r.closeCodes).toEqual([1000]);
    h.audio({ pcm: toneFrames(1, 100)[0]!, relativeSec: 0, capturedAt: START });
    h.participantEvent('join', { id: 'a', name: 'A' }, { relativeSec: 0, capturedAt: START });
    await new Promise((res) => setTimeout(res, 50));
    expect(r.messages).toHaveLength(1);
    expect(r.connections).toBe(1);
  });
});
