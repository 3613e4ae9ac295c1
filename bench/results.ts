import type { ApiCreateResult, DispatchLagResult } from './apiLoad.js';
import type { LayoutResult } from './layoutCompare.js';
import type { PlatformResult } from './platformCompare.js';
import type { JoinSample, SteadyResult, WarmJoinSample } from './scenarios.js';

/** The targets of issue 9, written next to every result. */
export const TARGETS = {
  cpu_cores_per_bot_720p30: { max: 0.35 },
  pss_mb_per_bot_720p30: { max: 300 },
  cpu_cores_per_bot_audio_only: { max: 0.1 },
  join_ms_median: { max: 2000 },
  max_concurrent_720p30: { min: 4 },
  av_offset_ms: { maxAbs: 40 },
} as const;

export interface Machine {
  cpu_model: string;
  cores: number;
  memory_mb: number;
  kernel: string;
  node: string;
  chromium: string;
  ffmpeg: string;
}

export interface DensityStep {
  bots: number;
  ok: boolean;
  cpu_cores_per_bot: number[];
  pss_mb_per_bot: number[];
  /** Distinct frames / target frames, per bot. */
  distinct_ratio_per_bot: number[];
  /** Lowest distinct-frame ratio among the bots. */
  min_distinct_ratio: number;
  audio_gaps: number;
  gap_events: number;
  /** The participants' browser (mock side) over the same window. */
  mock_cores: number | null;
  loadavg: number[];
}

export interface BenchResults {
  mode: 'full' | 'smoke';
  date: string;
  commit: string;
  /** Uncommitted changes in the tree at run time (other engineers work in it too). */
  dirty_paths: number;
  machine: Machine;
  loadavg_before: number[];
  /** How long the run waited for a quiet machine (--wait-quiet) and whether it got one. */
  waited_for_quiet: { waited_min: number; quiet: boolean };
  loadavg_after: number[];
  duration_sec: number;
  window_sec: number;
  targets: typeof TARGETS;

  join_ms_median: number;
  join_parts_ms_median: Omit<JoinSample, 'join_ms'>;
  /** Joins with Meet's default input (OS-level, XTEST); the same run's joins with CDP input (MEETBOT_UI_INPUT=cdp). */
  joins: JoinSample[];
  joins_cdp_input: JoinSample[];
  join_input: { os_join_ms: number; cdp_join_ms: number; os_join_steps_ms: number; cdp_join_steps_ms: number; join_ms_ratio: number };

  cpu_cores_per_bot_720p30: number;
  cpu_cores_per_bot_720p30_mean: number;
  pss_mb_per_bot_720p30: number;
  cpu_by_process_720p30: Record<string, number>;
  pss_by_process_720p30: Record<string, number>;
  cpu_cores_per_bot_audio_only: number;
  cpu_cores_per_bot_audio_only_mean: number;
  pss_mb_per_bot_audio_only: number;
  cpu_by_process_audio_only: Record<string, number>;
  pss_by_process_audio_only: Record<string, number>;

  floor_encode_cores_720p30: number;
  floor_encode_args: string[];
  floor_render_cores: number;
  floor_render_pss_mb: number;
  floor_render_by_process: Record<string, number>;
  ratios: Record<string, number>;

  av_offset_ms: number;
  recording_quality_720p30: Pick<SteadyResult['bots'][number], 'video' | 'audio' | 'sync' | 'syncFromStart' | 'gap_events'>;
  recording_quality_audio_only: Pick<SteadyResult['bots'][number], 'audio' | 'gap_events'>;

  max_concurrent_720p30: number;
  /** The same with the frame-rate condition only (audio gaps ignored), to tell the two limits apart. */
  max_concurrent_720p30_frames_only: number;
  /** cores / CPU per 720p30 bot: what the CPU alone would allow if the meetings' media came from elsewhere. */
  max_concurrent_720p30_cpu_bound: number;
  density: DensityStep[];
  /** CPU of the participants' browser (mock side) during the single-bot 720p30 window. */
  mock_cores_one_meeting: number | null;
  /** The bot on each Node the bench compares, with and without its V8 flags (an audio-only bot each). */
  node_runtimes: NodeRuntimeResult[];
  /** The seed's create request against `meetbot serve` (no bots started): latency and throughput. */
  api_creates: ApiCreateResult | null;
  /** Bots started 12 s before their join_at: from join_at to admitted and to recording. */
  warm_joins: WarmJoinSample[];
  /** Scheduled bots handed to the launcher after their join_at (the queue's lag; no bots started). */
  dispatch_lag: DispatchLagResult | null;
  /** Google Meet and Microsoft Teams bots measured side by side in this run. */
  platforms: PlatformResult[];
  layouts?: LayoutResult[];
}

export interface NodeRuntimeResult {
  node: string;
  flags: string;
  /** Median wall time of `meetbot schema`: Node's start-up and the CLI's modules, nothing else. */
  cli_startup_ms: number;
  /** The bot's process start to its first event line. */
  first_event_ms: number;
  join_ms: number;
  /** The bot's own Node process over the steady window (its children not included). */
  node_pss_mb: number;
  node_cores: number;
  /** The whole bot (its process tree). */
  bot_pss_mb: number;
}
