import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BotSpec } from '../../src/config/botSpec.js';
import type { StatusEvent } from '../../src/lifecycle/machine.js';
import {
  appendChatMessage,
  buildManifest,
  buildParticipants,
  chatLine,
  writeManifest,
  writeParticipants,
  type ParticipantObservation,
} from '../../src/outputs/artifacts.js';
import { writeJsonAtomic } from '../../src/outputs/atomicWrite.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meetbot-artifacts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NO_TIMINGS = { durations: {}, process_uptime: {} };
const ann = { id: 'p1', name: 'Ann' };
const bob = { id: 'p2', name: 'Bob' };

describe('buildParticipants', () => {
  it('lists everyone seen once, in order of first sighting, with joins, leaves and first/last seen', () => {
    const obs: ParticipantObservation[] = [
      // Deliberately out of order: the builder orders by time.
      { kind: 'leave', participant: bob, at: '2026-01-01T12:05:00.000Z' },
      { kind: 'join', participant: ann, at: '2026-01-01T12:00:10.000Z' },
      { kind: 'join', participant: bob, at: '2026-01-01T12:01:00.000Z' },
      { kind: 'join', participant: { ...bob, name: 'Bob (phone)' }, at: '2026-01-01T12:06:00.000Z' },
      { kind: 'leave', participant: { ...bob, name: 'Bob (phone)' }, at: '2026-01-01T12:07:00.000Z' },
      { kind: 'seen', participant: ann, at: '2026-01-01T12:08:00.000Z' },
    ];
    expect(buildParticipants(obs, '2026-01-01T12:30:00.000Z')).toEqual([
      {
        id: 'p1',
        name: 'Ann',
        first_seen: '2026-01-01T12:00:10.000Z',
        // Never left: seen until the bot left.
        last_seen: '2026-01-01T12:30:00.000Z',
        joins: ['2026-01-01T12:00:10.000Z'],
        leaves: [],
      },
      {
        id: 'p2',
        name: 'Bob (phone)',
        first_seen: '2026-01-01T12:01:00.000Z',
        last_seen: '2026-01-01T12:07:00.000Z',
        joins: ['2026-01-01T12:01:00.000Z', '2026-01-01T12:06:00.000Z'],
        leaves: ['2026-01-01T12:05:00.000Z', '2026-01-01T12:07:00.000Z'],
      },
    ]);
    expect(buildParticipants([])).toEqual([]);
  });

  it('writes participants.json atomically', () => {
    const records = buildParticipants([{ kind: 'join', participant: ann, at: '2026-01-01T12:00:00.000Z' }]);
    writeParticipants(dir, records);
    expect(JSON.parse(readFileSync(join(dir, 'participants.json'), 'utf8'))).toEqual(records);
    expect(readdirSync(dir)).toEqual(['participants.json']);
  });
});

describe('chat.jsonl', () => {
  it('writes one JSON line per message, the bot’s own marked, text kept exactly', () => {
    const text = 'line one\nline two "quoted" – ünïcödé 👋';
    expect(chatLine({ at: '2026-01-01T12:00:00.000Z', sender: 'Ann', text, from_bot: false })).toBe(
      `{"at":"2026-01-01T12:00:00.000Z","sender":"Ann","text":${JSON.stringify(text)},"from_bot":false}\n`,
    );
    appendChatMessage(dir, { at: '2026-01-01T12:00:00.000Z', sender: 'Ann', text, from_bot: false });
    appendChatMessage(dir, { at: '2026-01-01T12:00:05.000Z', sender: 'Notetaker', text: 'Recording', from_bot: true });
    const lines = readFileSync(join(dir, 'chat.jsonl'), 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((l) => JSON.parse(l))).toEqual([
      { at: '2026-01-01T12:00:00.000Z', sender: 'Ann', text, from_bot: false },
      { at: '2026-01-01T12:00:05.000Z', sender: 'Notetaker', text: 'Recording', from_bot: true },
    ]);
  });
});

describe('buildManifest', () => {
  const spec = {
    source_api: 'recall',
    bot_name: 'Notetaker',
    meeting: {
      platform: 'zoom',
      join_url: 'https://app.zoom.us/wc/81234567890/join?pwd=s3cretPwd',
      original_url: 'https://us02web.zoom.us/j/81234567890?pwd=s3cretPwd',
      meeting_id: '81234567890',
      password: 's3cretPwd',
      recall_shape: { meeting_id: '81234567890' },
    },
    metadata: {},
  } as unknown as BotSpec;

  const ev = (code: StatusEvent['code'], sub_code: StatusEvent['sub_code'], at: string): StatusEvent => ({
    event: `bot.${code}`,
    code,
    sub_code,
    created_at: at,
  });
  const events: StatusEvent[] = [
    ev('joining_call', null, '2026-01-01T12:00:00.000Z'),
    ev('in_waiting_room', null, '2026-01-01T12:00:04.500Z'),
    ev('in_call_not_recording', null, '2026-01-01T12:00:20.000Z'),
    ev('in_call_recording', 'recording_started', '2026-01-01T12:00:21.000Z'),
    ev('call_ended', 'timeout_exceeded_everyone_left', '2026-01-01T12:30:21.000Z'),
    ev('done', null, '2026-01-01T12:30:25.000Z'),
  ];
  const recording = {
    file: 'recording.mp4',
    duration_sec: 1800.2,
    codecs: { video: 'h264', audio: 'aac' },
    size_bytes: 73_400_320,
    gaps: [{ start_sec: 600, duration_sec: 1.5 }],
    health: {
      duration_sec: 1800.2,
      wall_clock_sec: 1801.9,
      gaps: [{ start_sec: 600, duration_sec: 1.5 }],
      audio: { silence_share: 0.41, speaking_sec: 1320.5, silent_while_speaking_sec: 12.5 },
      video: { longest_freeze_sec: 3.1, freezes: [{ start_sec: 90, end_sec: 93.1 }], frozen_while_moving_sec: null, frames_dropped: 12, av_offset_ms: 21 },
    },
  };

  it('documents the bot, the meeting (no password), each state’s timing, the recording and the outcome', () => {
    const m = buildManifest({
      botId: 'bot-123',
      spec,
      statusEvents: events,
      recording,
      exitCode: 0,
      versions: { meetbot: '0.1.0', node: 'v20.20.2', chromium: '140.0', ffmpeg: '7.1' },
      timings_ms: { durations: { browser_launch: 900, join_steps: 1200 }, process_uptime: { admitted: 2600 } },
      realtime: null,
      uploads: null,
    });
    expect(m).toEqual({
      manifest_version: 3,
      bot_id: 'bot-123',
      source_api: 'recall',
      platform: 'zoom',
      meeting_id: '81234567890',
      bot_name: 'Notetaker',
      started_at: '2026-01-01T12:00:00.000Z',
      ended_at: '2026-01-01T12:30:25.000Z',
      states: [
        { code: 'joining_call', sub_code: null, entered_at: '2026-01-01T12:00:00.000Z', left_at: '2026-01-01T12:00:04.500Z', duration_sec: 4.5 },
        { code: 'in_waiting_room', sub_code: null, entered_at: '2026-01-01T12:00:04.500Z', left_at: '2026-01-01T12:00:20.000Z', duration_sec: 15.5 },
        { code: 'in_call_not_recording', sub_code: null, entered_at: '2026-01-01T12:00:20.000Z', left_at: '2026-01-01T12:00:21.000Z', duration_sec: 1 },
        { code: 'in_call_recording', sub_code: 'recording_started', entered_at: '2026-01-01T12:00:21.000Z', left_at: '2026-01-01T12:30:21.000Z', duration_sec: 1800 },
        { code: 'call_ended', sub_code: 'timeout_exceeded_everyone_left', entered_at: '2026-01-01T12:30:21.000Z', left_at: '2026-01-01T12:30:25.000Z', duration_sec: 4 },
        { code: 'done', sub_code: null, entered_at: '2026-01-01T12:30:25.000Z', left_at: null, duration_sec: null },
      ],
      recording,
      final: { code: 'done', sub_code: null },
      exit_code: 0,
      versions: { meetbot: '0.1.0', node: 'v20.20.2', chromium: '140.0', ffmpeg: '7.1' },
      timings_ms: { durations: { browser_launch: 900, join_steps: 1200 }, process_uptime: { admitted: 2600 } },
      realtime: null,
      uploads: null,
    });
    expect(JSON.stringify(m)).not.toContain('s3cretPwd');
  });

  it('describes a bot that failed before recording: final fatal sub_code, no recording, its exit code', () => {
    const m = buildManifest({
      botId: 'bot-9',
      spec,
      statusEvents: [ev('joining_call', null, '2026-01-01T12:00:00.000Z'), ev('fatal', 'meeting_password_incorrect', '2026-01-01T12:00:09.000Z')],
      recording: null,
      exitCode: 3,
      versions: {},
      timings_ms: NO_TIMINGS,
      realtime: null,
      uploads: null,
    });
    expect(m.final).toEqual({ code: 'fatal', sub_code: 'meeting_password_incorrect' });
    expect(m.recording).toBeNull();
    expect(m.exit_code).toBe(3);
    expect(m.states.map((s) => s.duration_sec)).toEqual([9, null]);
    expect(buildManifest({ botId: 'b', spec, statusEvents: [], recording: null, exitCode: 1, versions: {}, timings_ms: NO_TIMINGS, realtime: null, uploads: null })).toMatchObject({
      started_at: null,
      ended_at: null,
      states: [],
      final: null,
    });
  });

  it('writes manifest.json so a reader sees the old or the new file, never a torn one', () => {
    const m = buildManifest({ botId: 'bot-123', spec, statusEvents: events, recording, exitCode: 0, versions: {}, timings_ms: NO_TIMINGS, realtime: null, uploads: null });
    writeManifest(dir, m);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(m);
    expect(readdirSync(dir)).toEqual(['manifest.json']);
  });
});

describe('writeJsonAtomic', () => {
  it('replaces the file whole and leaves no temp file behind', () => {
    const path = join(dir, 'x.json');
    writeFileSync(path, '{"old":true}');
    writeJsonAtomic(path, { new: true });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ new: true });
    expect(readdirSync(dir)).toEqual(['x.json']);
  });

  it('leaves the previous file untouched when the new content cannot be written', () => {
    const path = join(dir, 'x.json');
    writeFileSync(path, '{"old":true}');
    expect(() => writeJsonAtomic(path, { n: 1n })).toThrow(); // BigInt cannot be serialised
    expect(() => writeJsonAtomic(join(dir, 'gone', 'x.json'), { a: 1 })).toThrow(/ENOENT/);
    expect(readFileSync(path, 'utf8')).toBe('{"old":true}');
    expect(readdirSync(dir)).toEqual(['x.json']);
  });
});
