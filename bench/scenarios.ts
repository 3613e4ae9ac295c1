import { loadavg } from 'node:os';
import { type MockClient, type CreatedMeeting, type MeetingSpec } from '../fixtures/mock/client.js';
import type { MockPlatform } from '../fixtures/mock/types.js';
import { BenchBot, type NodeRuntime } from './benchBot.js';
import { startRenderOnly } from './floors.js';
import { sleep } from '../src/util/async.js';
import { childrenOf, processKind, TreeSampler, type TreeUsage } from './procTree.js';
import { audioWindow, avSync, videoWindow, type AudioWindow, type AvSync, type VideoWindow } from './recordingQuality.js';
import type { ManifestTimings } from '../src/outputs/artifacts.js';
import { median, round } from './stats.js';

/**
 * The bench's scenarios against the mock Meet: joins, steady recording of one or more bots, and Chromium
 * alone in the same meeting. The standard meeting has four talking participants (steady tones, moving video)
 * and no waiting room; A/V sync is measured in a meeting of one participant who flashes and beeps at the
 * same instants (a large tile, so the flash dominates the picture's brightness).
 */

export const FLASH_HZ = 2000;
export const FPS = 30;

export function standardMeeting(platform: MockPlatform = 'google_meet'): MeetingSpec {
  return {
    platform,
    waiting_room: false,
    participants: [
      { name: 'Ada Lovelace', color: '#c0392b', tone_hz: 300 },
      { name: 'Grace Hopper', color: '#27ae60', tone_hz: 500 },
      { name: 'Alan Turing', color: '#2980b9', tone_hz: 700 },
      { name: 'Edsger Dijkstra', color: '#8e44ad', tone_hz: 900 },
    ],
  };
}

export function syncMeeting(): MeetingSpec {
  return {
    platform: 'google_meet',
    waiting_room: false,
    participants: [{ name: 'Flash Beep', color: '#202020', tone_hz: FLASH_HZ, flash_beep: true, flash_period_ms: 2000 }],
  };
}

/** Create Bot bodies (Recall shape) of the recordings measured. */
export const BODIES = {
  video720p30: {},
  audioOnly: { recording_config: { video_mixed_layout: 'audio_only' } },
} as const satisfies Record<string, Record<string, unknown>>;

export interface Env {
  client: MockClient;
  /** Where bots write their output folders. */
  outRoot: string;
  log: (msg: string) => void;
}

/** Creates a meeting and waits until every participant page has its media up (so their start is not measured). */
async function readyMeeting(env: Env, spec: MeetingSpec = standardMeeting()): Promise<CreatedMeeting> {
  const m = await env.client.createMeeting(spec);
  await env.client.waitFor(m.id, (v) => v.participants.every((p) => p.media === 'ready'), 60_000, 'participants ready');
  return m;
}

/** Removes a meeting's participants: their pages close and stop loading the machine. */
async function dropParticipants(env: Env, m: CreatedMeeting): Promise<void> {
  await Promise.all(m.participant_ids.map((p) => env.client.removeParticipant(m.id, p).catch(() => undefined)));
}

// ---- joins ------------------------------------------------------------------------------------------------

export interface JoinSample {
  join_ms: number;
  /** Spawn → `bot.joining_call`: Node start, module loading, config. */
  startup_ms: number;
  media_environment_ms: number;
  browser_launch_ms: number;
  /** Page load and the pre-join screens up to the join click. */
  join_steps_ms: number;
  /** Join click → the probe sees the call (admitted_ms mark minus everything before it). */
  admission_seen_ms: number;
  /** recording_started_ms − admitted_ms (process-uptime marks): after-admission steps and the recorder's start. */
  admitted_to_recording_ms: number;
  /** What the parts do not cover (event delivery, small steps between them). */
  other_ms: number;
}

/** The joins of one run: Meet's default OS-level input (XTEST) and CDP input (MEETBOT_UI_INPUT=cdp), alternating. */
export interface JoinRuns {
  os: JoinSample[];
  cdp: JoinSample[];
}

export async function measureJoins(env: Env, count: number): Promise<JoinRuns> {
  const runs: JoinRuns = { os: [], cdp: [] };
  for (let i = 0; i < count; i++) {
    for (const input of ['os', 'cdp'] as const) {
      const sample = await measureJoin(env, input);
      runs[input].push(sample);
      env.log(`join ${i + 1}/${count} (${input} input): ${JSON.stringify(sample)}`);
    }
  }
  return runs;
}

/** One cold join into a standard meeting; `input` null leaves the adapter's default input mode. */
export async function measureJoin(env: Env, input: 'os' | 'cdp' | null, platform: MockPlatform = 'google_meet'): Promise<JoinSample> {
  const m = await readyMeeting(env, standardMeeting(platform));
  const bot = new BenchBot(m.join_url, BODIES.video720p30, { outRoot: env.outRoot, platform, env: input ? { MEETBOT_UI_INPUT: input } : {} });
  try {
    const at = await bot.waitFor('bot.in_call_recording', 90_000);
    const startup = (await bot.waitFor('bot.joining_call', 0)) - bot.spawnedAt;
    await bot.stop();
    const { durations = {}, process_uptime: uptime = {} } = bot.manifest().timings_ms ?? {};
    const took = (k: keyof ManifestTimings['durations']) => durations[k] ?? NaN;
    const at_ = (k: keyof ManifestTimings['process_uptime']) => uptime[k] ?? NaN;
    const before = startup + took('media_environment') + took('browser_launch') + took('join_steps');
    const s: JoinSample = {
      join_ms: Math.round(at - bot.spawnedAt),
      startup_ms: Math.round(startup),
      media_environment_ms: took('media_environment'),
      browser_launch_ms: took('browser_launch'),
      join_steps_ms: took('join_steps'),
      admission_seen_ms: Math.round(at_('admitted') - before),
      admitted_to_recording_ms: at_('recording_started') - at_('admitted'),
      other_ms: 0,
    };
    s.other_ms = Math.round(at - bot.spawnedAt - at_('recording_started'));
    return s;
  } finally {
    await bot.stop();
    await dropParticipants(env, m);
  }
}

/** A warm-started bot (started `leadMs` before its join_at, as the service does): join_at → admitted, → recording. */
export interface WarmJoinSample {
  join_at_to_in_call_ms: number;
  join_at_to_recording_ms: number;
}

export async function measureWarmJoins(env: Env, count: number, leadMs: number): Promise<WarmJoinSample[]> {
  const out: WarmJoinSample[] = [];
  for (let i = 0; i < count; i++) {
    const m = await readyMeeting(env);
    const joinAt = performance.now() + leadMs;
    const bot = new BenchBot(m.join_url, { ...BODIES.video720p30, join_at: new Date(Date.now() + leadMs).toISOString() }, { outRoot: env.outRoot });
    try {
      const recording = await bot.waitFor('bot.in_call_recording', leadMs + 90_000);
      const inCall = await bot.waitFor('bot.in_call_not_recording', 0);
      const sample = { join_at_to_in_call_ms: Math.round(inCall - joinAt), join_at_to_recording_ms: Math.round(recording - joinAt) };
      out.push(sample);
      env.log(`warm join ${i + 1}/${count}: ${JSON.stringify(sample)}`);
    } finally {
      await bot.stop();
      await dropParticipants(env, m);
    }
  }
  return out;
}

export function joinSummary(samples: readonly JoinSample[]): JoinSample & { joins: number } {
  const pick = (k: keyof JoinSample) => Math.round(median(samples.map((s) => s[k])));
  return {
    joins: samples.length,
    join_ms: pick('join_ms'),
    startup_ms: pick('startup_ms'),
    media_environment_ms: pick('media_environment_ms'),
    browser_launch_ms: pick('browser_launch_ms'),
    join_steps_ms: pick('join_steps_ms'),
    admission_seen_ms: pick('admission_seen_ms'),
    admitted_to_recording_ms: pick('admitted_to_recording_ms'),
    other_ms: pick('other_ms'),
  };
}

// ---- steady recording ---------------------------------------------------------------------------------------

export interface BotResult {
  usage: TreeUsage;
  join_ms: number;
  /** Process start to the first event line (`bot.joining_call`): Node's start-up and the CLI's modules. */
  first_event_ms: number;
  video: VideoWindow | null;
  audio: AudioWindow;
  /** A/V offset over the steady window. */
  sync: AvSync | null;
  /** The same over the whole recording, from the moment the bot was admitted (WebRTC's lip sync settling in). */
  syncFromStart: AvSync | null;
  gap_events: number;
  /** Holds at least 95 % of the target frame rate in distinct frames, with no audio gap. */
  ok: boolean;
}

export interface SteadyResult {
  bots: BotResult[];
  /** The participants' browser (the mock's side) over the same window, for context: not part of any bot. */
  mock: TreeUsage | null;
  windowSec: number;
  loadavg: number[];
}

/** The participants' Chromium: a child of this process that is a Chromium browser and not one we measure. */
function participantBrowsers(exclude: readonly number[]): number[] {
  return childrenOf(process.pid).filter((pid) => !exclude.includes(pid) && processKind(pid, '') === 'chromium:browser');
}

/**
 * `n` bots, each in its own standard meeting, started at once; once every bot records and receives every
 * participant, a warm-up, then `windowSec` of CPU/PSS sampling; then they leave and the window of each
 * recording is analysed.
 */
export async function steadyBots(
  env: Env,
  n: number,
  body: Record<string, unknown>,
  opts: { windowSec: number; warmupSec: number; video: boolean; meeting?: MeetingSpec; node?: NodeRuntime },
): Promise<SteadyResult> {
  const meetings: CreatedMeeting[] = [];
  const bots: BenchBot[] = [];
  try {
    for (let i = 0; i < n; i++) meetings.push(await readyMeeting(env, opts.meeting));
    const platform = opts.meeting?.platform ?? 'google_meet';
    for (const m of meetings) bots.push(new BenchBot(m.join_url, body, { outRoot: env.outRoot, platform, ...(opts.node ? { node: opts.node } : {}) }));
    const recordingAt = await Promise.all(bots.map((b) => b.waitFor('bot.in_call_recording', 120_000)));
    const kinds = opts.video ? ['audio', 'video'] : ['audio'];
    await Promise.all(
      meetings.map((m) =>
        env.client.waitFor(m.id, (v) => v.participants.every((p) => kinds.every((k) => p.received_by_bot.includes(k))), 60_000, 'media at the bot'),
      ),
    );
    await sleep(opts.warmupSec * 1000);
    const roots = new Map<string, number[]>(bots.map((b, i) => [`bot${i}`, [b.pid]]));
    roots.set('mock', participantBrowsers([]));
    const sampler = new TreeSampler(roots);
    const windowStart = performance.now();
    sampler.start();
    await sleep(opts.windowSec * 1000);
    const usage = sampler.stop();
    const windowEnd = performance.now();
    const load = loadavg().map((l) => round(l, 2));
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(meetings.map((m) => dropParticipants(env, m)));

    const results: BotResult[] = [];
    for (const [i, bot] of bots.entries()) {
      // Recording time 0 is (within a few hundred ms) when in_call_recording arrived; a second of margin each side.
      const from = (windowStart - recordingAt[i]!) / 1000 + 1;
      const to = (windowEnd - recordingAt[i]!) / 1000 - 1;
      const file = bot.recordingFile(opts.video ? 'mp4' : 'm4a');
      const video = opts.video ? await videoWindow(file, from, to, FPS) : null;
      const audio = await audioWindow(file, from, to);
      const flashes = opts.meeting?.participants?.some((p) => p.flash_beep) ?? false;
      const sync = opts.video && flashes ? await avSync(file, FLASH_HZ, FPS, { fromSec: from, toSec: to }) : null;
      const syncFromStart = opts.video && flashes ? await avSync(file, FLASH_HZ, FPS) : null;
      const gapEvents = bot.gapEvents();
      results.push({
        usage: usage.get(`bot${i}`)!,
        join_ms: Math.round(recordingAt[i]! - bot.spawnedAt),
        first_event_ms: Math.round((await bot.waitFor('bot.joining_call', 0)) - bot.spawnedAt),
        video,
        audio,
        sync,
        syncFromStart,
        gap_events: gapEvents,
        ok: (video === null || video.distinctRatio >= 0.95) && audio.gaps === 0 && gapEvents === 0,
      });
    }
    return { bots: results, mock: usage.get('mock') ?? null, windowSec: opts.windowSec, loadavg: load };
  } finally {
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(meetings.map((m) => dropParticipants(env, m)));
  }
}

// ---- Chromium alone ---------------------------------------------------------------------------------------------

export async function renderFloor(env: Env, opts: { windowSec: number; warmupSec: number }): Promise<{ chromium: TreeUsage; mock: TreeUsage | null }> {
  const m = await readyMeeting(env);
  const render = await startRenderOnly(m.join_url);
  try {
    await env.client.waitFor(m.id, (v) => v.participants.every((p) => p.received_by_bot.includes('video')), 60_000, 'media at the renderer');
    await sleep(opts.warmupSec * 1000);
    const sampler = new TreeSampler(new Map([['chromium', [render.chromiumPid]], ['mock', participantBrowsers([render.chromiumPid])]]));
    sampler.start();
    await sleep(opts.windowSec * 1000);
    const usage = sampler.stop();
    return { chromium: usage.get('chromium')!, mock: usage.get('mock') ?? null };
  } finally {
    await render.close();
    await dropParticipants(env, m);
  }
}
