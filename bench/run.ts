import { measureApiCreates, measureDispatchLag } from './apiLoad.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '../fixtures/mock/server.js';
import { MockClient } from '../fixtures/mock/client.js';
import { recordingSpecFor, measureEncodeFloor } from './floors.js';
import { markdownReport } from './report.js';
import { runtimeVariants, cliStartupMs } from './nodeRuntimes.js';
import { TARGETS, type BenchResults, type DensityStep, type Machine, type NodeRuntimeResult } from './results.js';
import { compareLayouts } from './layoutCompare.js';
import { comparePlatforms } from './platformCompare.js';
import { BODIES, joinSummary, measureJoins, measureWarmJoins, type JoinSample, renderFloor, steadyBots, syncMeeting, type Env, type SteadyResult } from './scenarios.js';
import { median, round } from './stats.js';
import { densityChart } from './svgChart.js';

/**
 * `npm run bench`: the real runtime (the compiled CLI, one process per bot) against the mock Meet on this
 * machine. Writes bench/results/latest.{json,md,svg} and the results block of BENCHMARKS.md.
 *
 *   node dist/bench/run.js            full run (~12-15 min)
 *   node dist/bench/run.js --smoke    every phase, short windows (~2 min); writes smoke.*
 *   --only encode,joins,video,sync,audio,render,density,node,api,platforms,layouts   some phases (development); writes partial.*
 *   --window <s> --joins <n> --max-bots <n> --keep (keep the bots' output folders)
 *   --wait-quiet <min>: first wait (5-minute steps) up to <min> minutes for a load average below 1.5
 */

const PHASES = ['encode', 'joins', 'video', 'sync', 'audio', 'render', 'density', 'node', 'api', 'platforms', 'layouts'] as const;
type Phase = (typeof PHASES)[number];

interface Options {
  mode: 'full' | 'smoke';
  phases: Set<Phase>;
  windowSec: number;
  warmupSec: number;
  joins: number;
  maxBots: number;
  stem: string;
  /** Keep the bots' output folders (recordings, logs) for a look afterwards. */
  keep: boolean;
  /** Wait up to this many minutes, checking every 5, for the 1-minute load average to fall below QUIET_LOAD. */
  waitQuietMin: number;
}

const QUIET_LOAD = 1.5;
/** Density steps measured whatever their outcome, so the chart shows how per-bot cost moves with concurrency. */
const MIN_DENSITY_STEPS = 3;

function parseArgs(argv: string[]): Options {
  const smoke = argv.includes('--smoke');
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value('--only')?.split(',') as Phase[] | undefined;
  for (const p of only ?? []) if (!PHASES.includes(p)) throw new Error(`--only: unknown phase ${p} (${PHASES.join(', ')})`);
  return {
    mode: smoke ? 'smoke' : 'full',
    phases: new Set(only ?? PHASES),
    windowSec: Number(value('--window') ?? (smoke ? 6 : 30)),
    warmupSec: smoke ? 2 : 5,
    joins: Number(value('--joins') ?? (smoke ? 2 : 11)),
    maxBots: Number(value('--max-bots') ?? (smoke ? 1 : 6)),
    stem: only ? 'partial' : smoke ? 'smoke' : 'latest',
    keep: argv.includes('--keep'),
    waitQuietMin: Number(value('--wait-quiet') ?? 0),
  };
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function machine(): Machine {
  const model = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? 'unknown';
  return {
    cpu_model: model,
    cores: cpus().length,
    memory_mb: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    node: process.version,
    chromium: sh('/usr/lib/chromium/chromium', ['--version']).replace(/^Chromium\s+/, ''),
    ffmpeg: sh('ffmpeg', ['-version']).split('\n')[0]?.split(' Copyright')[0] ?? 'unknown',
  };
}

const loads = () => loadavg().map((l) => round(l, 2));
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function botMedian(s: SteadyResult | null, pick: (b: SteadyResult['bots'][number]) => number): number {
  return s ? median(s.bots.map(pick)) : NaN;
}

/** The largest step n such that every step 1..n meets `ok` (0 when the first does not). */
function holds(steps: readonly DensityStep[], ok: (d: DensityStep) => boolean): number {
  let n = 0;
  for (const d of steps) {
    if (!ok(d)) break;
    n = d.bots;
  }
  return n;
}

function densityStep(s: SteadyResult): DensityStep {
  return {
    bots: s.bots.length,
    ok: s.bots.every((b) => b.ok),
    cpu_cores_per_bot: s.bots.map((b) => round(b.usage.coresMedian, 3)),
    pss_mb_per_bot: s.bots.map((b) => round(b.usage.pssMb, 1)),
    distinct_ratio_per_bot: s.bots.map((b) => round(b.video?.distinctRatio ?? NaN, 3)),
    min_distinct_ratio: round(Math.min(...s.bots.map((b) => b.video?.distinctRatio ?? 1)), 3),
    audio_gaps: s.bots.reduce((n, b) => n + b.audio.gaps, 0),
    gap_events: s.bots.reduce((n, b) => n + b.gap_events, 0),
    mock_cores: s.mock ? round(s.mock.cores, 3) : null,
    loadavg: s.loadavg,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const root = resolve(fileURLToPath(import.meta.url), '../../..');
  const resultsDir = join(root, 'bench', 'results');
  const quiet = await waitForQuiet(opts.waitQuietMin);
  const started = performance.now();
  const loadBefore = loads();
  log(`${opts.mode} run, phases ${[...opts.phases].join(',')}; load average ${loadBefore.join(' ')}`);
  const outRoot = mkdtempSync(join(tmpdir(), 'meetbot-bench-'));
  const spec = recordingSpecFor(BODIES.video720p30);
  const mock = await startMockServer();
  const env: Env = { client: new MockClient(mock.url), outRoot, log };
  const has = (p: Phase) => opts.phases.has(p);
  const steady = { windowSec: opts.windowSec, warmupSec: opts.warmupSec };
  try {
    const encode = has('encode') ? await measureEncodeFloor(spec, opts.windowSec) : null;
    if (encode) log(`encode floor: ${round(encode.cores, 3)} cores`);
    const joinRuns = has('joins') ? await measureJoins(env, opts.joins) : { os: [], cdp: [] };
    const joins = joinRuns.os;
    const warmJoins = has('joins') ? await measureWarmJoins(env, opts.mode === 'smoke' ? 1 : 5, 12_000) : [];
    const video = has('video') || has('density') ? await steadyBots(env, 1, BODIES.video720p30, { ...steady, video: true }) : null;
    if (video) log(`720p30 bot: ${round(video.bots[0]!.usage.cores, 3)} cores, ${round(video.bots[0]!.usage.pssMb, 1)} MB, ok=${video.bots[0]!.ok}`);
    // WebRTC's lip sync takes several seconds to settle after the call starts (measured: ~200 ms → ~25 ms over
    // ~12 s), so the steady A/V window starts later than the CPU windows; the whole recording is reported too.
    const syncWindow = opts.mode === 'smoke' ? { windowSec: 6, warmupSec: 5 } : { windowSec: 20, warmupSec: 15 };
    const sync = has('sync') ? await steadyBots(env, 1, BODIES.video720p30, { ...syncWindow, video: true, meeting: syncMeeting() }) : null;
    if (sync) log(`A/V offset: ${sync.bots[0]!.sync?.medianMs} ms over ${sync.bots[0]!.sync?.pairs} flash/beep pairs`);
    const audio = has('audio') ? await steadyBots(env, 1, BODIES.audioOnly, { ...steady, video: false }) : null;
    if (audio) log(`audio-only bot: ${round(audio.bots[0]!.usage.cores, 3)} cores, ${round(audio.bots[0]!.usage.pssMb, 1)} MB`);
    const render = has('render') ? await renderFloor(env, steady) : null;
    if (render) log(`render floor: ${round(render.chromium.cores, 3)} cores, ${round(render.chromium.pssMb, 1)} MB`);

    const density: DensityStep[] = video ? [densityStep(video)] : [];
    if (has('density')) {
      // At least 1..MIN_DENSITY_STEPS bots are always measured (the chart's points), then up to the first failure.
      for (let n = 2; n <= opts.maxBots && (n <= MIN_DENSITY_STEPS || density.at(-1)?.ok); n++) {
        const step = densityStep(await steadyBots(env, n, BODIES.video720p30, { ...steady, video: true }));
        density.push(step);
        log(`density ${n}: ok=${step.ok}, cpu/bot ${median(step.cpu_cores_per_bot)}, lowest distinct ${step.min_distinct_ratio}, audio gaps ${step.audio_gaps}`);
      }
    }
    const maxConcurrent = holds(density, (d) => d.ok);
    const nodeRuntimes = has('node') ? await compareNodes(env, steady, opts.mode === 'smoke' ? 2 : 7) : [];
    // Dispatch lag first: the creates leave thousands of bots queued, which a shared DATABASE_URL would still hold.
    const dispatch = has('api') ? await measureDispatchLag(opts.mode === 'smoke' ? { bots: 100, overSec: 10 } : { bots: 1000, overSec: 60 }) : null;
    if (dispatch) log(`dispatch lag: ${JSON.stringify(dispatch)}`);
    const api = has('api') ? await measureApiCreates(opts.mode === 'smoke' ? { sequential: 50, concurrency: 8, seconds: 3 } : { sequential: 500, concurrency: 16, seconds: 15 }) : null;
    if (api) log(`api creates: ${JSON.stringify(api)}`);

    // Microsoft Teams beside Google Meet (issue 18): joins and a recording bot's cost, measured together.
    const platforms = has('platforms') ? await comparePlatforms(env, ['google_meet', 'microsoft_teams'], opts.mode === 'smoke' ? 1 : 7, steady) : [];
    // The recording's layouts (issue 20): what each costs, measured together.
    const layouts = has('layouts') ? await compareLayouts(env, steady) : [];

    const v = video?.bots[0];
    const a = audio?.bots[0];
    const encodeCores = encode ? round(encode.cores, 3) : NaN;
    const renderCores = render ? round(render.chromium.cores, 3) : NaN;
    const vCpu = botMedian(video, (b) => b.usage.coresMedian);
    const aCpu = botMedian(audio, (b) => b.usage.coresMedian);
    const chromiumInBot = v ? Object.entries(v.usage.coresByKind).filter(([k]) => k.startsWith('chromium')).reduce((s, [, c]) => s + c, 0) : NaN;
    const ffmpegInBot = v?.usage.coresByKind.ffmpeg ?? NaN;
    const joinMedians = joinSummary(joins);
    const { join_ms: joinMs, joins: _joins, ...joinParts } = joinMedians;
    const results: BenchResults = {
      mode: opts.mode,
      date: new Date().toISOString(),
      commit: sh('git', ['-C', root, 'rev-parse', 'HEAD']),
      dirty_paths: sh('git', ['-C', root, 'status', '--porcelain']).split('\n').filter(Boolean).length,
      machine: machine(),
      loadavg_before: loadBefore,
      waited_for_quiet: quiet,
      loadavg_after: loads(),
      duration_sec: Math.round((performance.now() - started) / 1000),
      window_sec: opts.windowSec,
      targets: TARGETS,
      join_ms_median: joinMs,
      join_parts_ms_median: joinParts,
      joins,
      joins_cdp_input: joinRuns.cdp,
      join_input: joinInputComparison(joinRuns.os, joinRuns.cdp),
      cpu_cores_per_bot_720p30: round(vCpu, 3),
      cpu_cores_per_bot_720p30_mean: round(botMedian(video, (b) => b.usage.cores), 3),
      pss_mb_per_bot_720p30: round(botMedian(video, (b) => b.usage.pssMb), 1),
      cpu_by_process_720p30: v?.usage.coresByKind ?? {},
      pss_by_process_720p30: v?.usage.pssMbByKind ?? {},
      cpu_cores_per_bot_audio_only: round(aCpu, 3),
      cpu_cores_per_bot_audio_only_mean: round(botMedian(audio, (b) => b.usage.cores), 3),
      pss_mb_per_bot_audio_only: round(botMedian(audio, (b) => b.usage.pssMb), 1),
      cpu_by_process_audio_only: a?.usage.coresByKind ?? {},
      pss_by_process_audio_only: a?.usage.pssMbByKind ?? {},
      floor_encode_cores_720p30: encodeCores,
      floor_encode_args: encode?.encoder ?? [],
      floor_render_cores: renderCores,
      floor_render_pss_mb: render ? round(render.chromium.pssMb, 1) : NaN,
      floor_render_by_process: render?.chromium.coresByKind ?? {},
      ratios: {
        'cpu 720p30 bot / (encode floor + render floor)': round(vCpu / (encodeCores + renderCores), 2),
        "cpu 720p30 bot's ffmpeg / encode floor": round(ffmpegInBot / encodeCores, 2),
        "cpu 720p30 bot's Chromium / render floor": round(chromiumInBot / renderCores, 2),
        'cpu audio-only bot / render floor': round(aCpu / renderCores, 2),
        'pss 720p30 bot / render floor pss': round(botMedian(video, (b) => b.usage.pssMb) / (render?.chromium.pssMb ?? NaN), 2),
      },
      av_offset_ms: sync?.bots[0]?.sync?.medianMs ?? NaN,
      recording_quality_720p30: {
        video: v?.video ?? null,
        audio: v?.audio ?? { gaps: NaN, longestGapMs: NaN },
        sync: sync?.bots[0]?.sync ?? null,
        syncFromStart: sync?.bots[0]?.syncFromStart ?? null,
        gap_events: v?.gap_events ?? NaN,
      },
      recording_quality_audio_only: { audio: a?.audio ?? { gaps: NaN, longestGapMs: NaN }, gap_events: a?.gap_events ?? NaN },
      max_concurrent_720p30: maxConcurrent,
      max_concurrent_720p30_frames_only: holds(density, (d) => d.min_distinct_ratio >= 0.95),
      max_concurrent_720p30_cpu_bound: Math.floor(cpus().length / vCpu),
      density,
      mock_cores_one_meeting: video?.mock ? round(video.mock.cores, 3) : null,
      node_runtimes: nodeRuntimes,
      api_creates: api,
      warm_joins: warmJoins,
      dispatch_lag: dispatch,
      platforms,
      layouts,
    };
    write(resultsDir, opts, results, root);
    log(`done in ${results.duration_sec} s: ${join(resultsDir, opts.stem)}.{json,md,svg}; load average after ${results.loadavg_after.join(' ')}`);
  } finally {
    await mock.close();
    if (opts.keep) log(`bot output folders kept in ${outRoot}`);
    else rmSync(outRoot, { recursive: true, force: true });
  }
}

/** Meet's join with its default OS-level input against CDP input, medians of the same run. */
function joinInputComparison(os: readonly JoinSample[], cdp: readonly JoinSample[]): BenchResults['join_input'] {
  const med = (samples: readonly JoinSample[], k: keyof JoinSample) => Math.round(median(samples.map((s) => s[k])));
  return {
    os_join_ms: med(os, 'join_ms'),
    cdp_join_ms: med(cdp, 'join_ms'),
    os_join_steps_ms: med(os, 'join_steps_ms'),
    cdp_join_steps_ms: med(cdp, 'join_steps_ms'),
    join_ms_ratio: round(med(os, 'join_ms') / med(cdp, 'join_ms'), 2),
  };
}

/** An audio-only bot on each Node variant (runtimeVariants), and `meetbot schema`'s start-up on it. */
async function compareNodes(env: Env, steady: { windowSec: number; warmupSec: number }, startupRuns: number): Promise<NodeRuntimeResult[]> {
  const out: NodeRuntimeResult[] = [];
  for (const variant of runtimeVariants()) {
    const cli_startup_ms = cliStartupMs(variant, startupRuns);
    const bot = (await steadyBots(env, 1, BODIES.audioOnly, { ...steady, video: false, node: variant })).bots[0]!;
    const result: NodeRuntimeResult = {
      node: variant.version,
      flags: variant.flags.join(' '),
      cli_startup_ms,
      first_event_ms: bot.first_event_ms,
      join_ms: bot.join_ms,
      node_pss_mb: round(bot.usage.pssMbByKind.node ?? NaN, 1),
      node_cores: round(bot.usage.coresByKind.node ?? NaN, 3),
      bot_pss_mb: round(bot.usage.pssMb, 1),
    };
    out.push(result);
    log(`node ${variant.label}: ${JSON.stringify(result)}`);
  }
  return out;
}

/** Waits in 5-minute steps, up to `maxMin`, for the 1-minute load average to fall below QUIET_LOAD. */
async function waitForQuiet(maxMin: number): Promise<{ waited_min: number; quiet: boolean }> {
  const t0 = performance.now();
  const waited = () => Math.round((performance.now() - t0) / 60_000);
  while (loadavg()[0]! >= QUIET_LOAD) {
    if (waited() + 5 > maxMin) return { waited_min: waited(), quiet: false };
    log(`load average ${loads().join(' ')}: waiting 5 minutes for it to fall below ${QUIET_LOAD}`);
    await new Promise((r) => setTimeout(r, 5 * 60_000));
  }
  return { waited_min: waited(), quiet: true };
}

function write(dir: string, opts: Options, r: BenchResults, root: string): void {
  mkdirSync(dir, { recursive: true });
  const svg = `${opts.stem}.svg`;
  writeFileSync(join(dir, `${opts.stem}.json`), JSON.stringify(r, null, 2) + '\n');
  writeFileSync(
    join(dir, svg),
    densityChart(
      { title: 'CPU per bot', unit: 'cores', target: TARGETS.cpu_cores_per_bot_720p30.max, floor: r.floor_encode_cores_720p30 + r.floor_render_cores, points: r.density.map((d) => ({ bots: d.bots, values: d.cpu_cores_per_bot, ok: d.ok })) },
      { title: 'PSS per bot', unit: 'MB', target: TARGETS.pss_mb_per_bot_720p30.max, points: r.density.map((d) => ({ bots: d.bots, values: d.pss_mb_per_bot, ok: d.ok })) },
      `${r.machine.cpu_model}, ${r.machine.cores} cores; ${r.date.slice(0, 16)}Z; load ${r.loadavg_before[0]}→${r.loadavg_after[0]}; hollow = a bot lost frames or audio`,
    ),
  );
  const md = markdownReport(r, svg);
  writeFileSync(join(dir, `${opts.stem}.md`), md);
  if (opts.mode === 'full' && opts.stem === 'latest') updateBenchmarksDoc(join(root, 'BENCHMARKS.md'), md.replace(`](${svg})`, `](bench/results/${svg})`));
}

/** Replaces the generated block of BENCHMARKS.md with the latest summary (the rest of the file is written by hand). */
function updateBenchmarksDoc(file: string, md: string): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  const start = '<!-- bench:latest:start -->';
  const end = '<!-- bench:latest:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${md}\n${text.slice(b)}`);
}

main().catch((err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
