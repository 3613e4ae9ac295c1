import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BotSpec, MeetingTarget } from '../config/botSpec.js';
import type { ParticipantRef, RecordingHealth } from '../events/botEvents.js';
import type { StatusEvent } from '../lifecycle/machine.js';
import { writeJsonAtomic } from './atomicWrite.js';
import type { UploadRecord } from './fileUpload.js';

/**
 * The output folder's summary files: participants.json, chat.jsonl and manifest.json. Builders are pure
 * (tested without a disk); writers are one call each. JSON files are replaced atomically, chat.jsonl grows
 * one line per message. Writers throw when the folder is gone; the caller decides what that means.
 */
export const PARTICIPANTS_FILE = 'participants.json';
export const CHAT_FILE = 'chat.jsonl';
export const MANIFEST_FILE = 'manifest.json';
/**
 * 2: `timings_ms` split into `durations` and `process_uptime`; participants lost `is_host`.
 * 3: `recording.health`, the recording's health report per track.
 */
export const MANIFEST_VERSION = 3;

// ---- participants.json ---------------------------------------------------------------------------------

export interface ParticipantObservation {
  /** `seen` = any other sighting (speech, chat, a participant list that still shows them). */
  kind: 'join' | 'leave' | 'seen';
  participant: ParticipantRef;
  /** ISO time. */
  at: string;
}

export interface ParticipantRecord {
  id: string;
  /** The latest name seen (it can change during a meeting). */
  name: string;
  first_seen: string;
  last_seen: string;
  /** ISO times of every join and leave, in order. */
  joins: string[];
  leaves: string[];
}

/**
 * Everyone seen, in order of first sighting. Someone still present when the bot left (more joins than
 * leaves) was last seen when the bot left: pass that time as `endedAt`.
 */
export function buildParticipants(
  observations: readonly ParticipantObservation[],
  endedAt?: string,
): ParticipantRecord[] {
  const byId = new Map<string, ParticipantRecord>();
  for (const o of [...observations].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const { id, name } = o.participant;
    let r = byId.get(id);
    if (!r) {
      r = { id, name, first_seen: o.at, last_seen: o.at, joins: [], leaves: [] };
      byId.set(id, r);
    }
    r.name = name;
    r.last_seen = o.at;
    if (o.kind === 'join') r.joins.push(o.at);
    if (o.kind === 'leave') r.leaves.push(o.at);
  }
  const records = [...byId.values()];
  if (endedAt !== undefined) {
    for (const r of records) {
      if (r.joins.length > r.leaves.length && Date.parse(endedAt) > Date.parse(r.last_seen)) r.last_seen = endedAt;
    }
  }
  return records;
}

export function writeParticipants(dir: string, records: readonly ParticipantRecord[]): void {
  writeJsonAtomic(join(dir, PARTICIPANTS_FILE), records);
}

// ---- chat.jsonl ----------------------------------------------------------------------------------------

export interface ChatRecord {
  /** ISO time the message was seen (or, for the bot's own, sent). */
  at: string;
  /** Display name of the sender. */
  sender: string;
  text: string;
  /** The bot's own message. */
  from_bot: boolean;
}

export function chatLine(msg: ChatRecord): string {
  return JSON.stringify({ at: msg.at, sender: msg.sender, text: msg.text, from_bot: msg.from_bot }) + '\n';
}

/** One line per message, appended in a single write, so earlier lines survive any crash. */
export function appendChatMessage(dir: string, msg: ChatRecord): void {
  appendFileSync(join(dir, CHAT_FILE), chatLine(msg));
}

// ---- manifest.json -------------------------------------------------------------------------------------

export interface RecordingFacts {
  /** File name inside the output folder. */
  file: string;
  duration_sec: number;
  codecs: { video: string | null; audio: string | null };
  size_bytes: number;
  /** Stretches the recorder lost (e.g. a restarted ffmpeg), in seconds from the recording's start. */
  gaps: { start_sec: number; duration_sec: number }[];
  /** The recording's health report (docs/outputs.md); null when it could not be assessed. */
  health: RecordingHealth | null;
}

/** The manifest's `timings_ms`: two kinds of number, kept apart so neither is read as the other. */
export interface ManifestTimings {
  /** How long each start-up step took, in ms. */
  durations: Partial<Record<'media_environment' | 'browser_launch' | 'join_steps', number>>;
  /** When each moment came, in ms since the bot process started. */
  process_uptime: Partial<Record<'admitted' | 'recording_started', number>>;
}

export interface ManifestInput {
  botId: string;
  /** Only these fields are read: the meeting password never reaches the manifest. */
  spec: Pick<BotSpec, 'source_api' | 'bot_name'> & { meeting: Pick<MeetingTarget, 'platform' | 'meeting_id'> };
  statusEvents: readonly StatusEvent[];
  recording: RecordingFacts | null;
  exitCode: number;
  /** meetbot, node, chromium, ffmpeg, ... */
  versions: Record<string, string>;
  timings_ms: ManifestTimings;
  /** Frames sent and dropped per realtime endpoint, when there were any. */
  realtime: unknown;
  /** The recording's uploads to external storage; null when the body asked for none and none was carried on. */
  uploads: UploadRecord[] | null;
}

export interface StateTiming {
  code: StatusEvent['code'];
  sub_code: StatusEvent['sub_code'];
  entered_at: string;
  /** null for the state the bot ended in. */
  left_at: string | null;
  duration_sec: number | null;
}

export interface Manifest {
  manifest_version: number;
  bot_id: string;
  source_api: BotSpec['source_api'];
  platform: MeetingTarget['platform'];
  meeting_id: string;
  bot_name: string;
  started_at: string | null;
  ended_at: string | null;
  states: StateTiming[];
  recording: RecordingFacts | null;
  final: { code: StatusEvent['code']; sub_code: StatusEvent['sub_code'] } | null;
  exit_code: number;
  versions: Record<string, string>;
  timings_ms: ManifestTimings;
  realtime: unknown;
  uploads: UploadRecord[] | null;
}

export function buildManifest(input: ManifestInput): Manifest {
  const events = input.statusEvents;
  const states: StateTiming[] = events.map((e, i) => {
    const next = events[i + 1];
    return {
      code: e.code,
      sub_code: e.sub_code,
      entered_at: e.created_at,
      left_at: next ? next.created_at : null,
      duration_sec: next ? (Date.parse(next.created_at) - Date.parse(e.created_at)) / 1000 : null,
    };
  });
  const first = events[0];
  const last = events[events.length - 1];
  return {
    manifest_version: MANIFEST_VERSION,
    bot_id: input.botId,
    source_api: input.spec.source_api,
    platform: input.spec.meeting.platform,
    meeting_id: input.spec.meeting.meeting_id,
    bot_name: input.spec.bot_name,
    started_at: first ? first.created_at : null,
    ended_at: last ? last.created_at : null,
    states,
    recording: input.recording,
    final: last ? { code: last.code, sub_code: last.sub_code } : null,
    exit_code: input.exitCode,
    versions: input.versions,
    timings_ms: input.timings_ms,
    realtime: input.realtime,
    uploads: input.uploads,
  };
}

export function writeManifest(dir: string, manifest: Manifest): void {
  writeJsonAtomic(join(dir, MANIFEST_FILE), manifest);
}
