import { layoutSection } from './layoutCompare.js';
import { platformSection } from './platformCompare.js';
import type { BenchResults } from './results.js';
import { median, round } from './stats.js';

/** The Markdown summary of one run (bench/results/latest.md, and the results block of BENCHMARKS.md). */

function quietNote(w: BenchResults['waited_for_quiet']): string {
  const waited = w.waited_min ? ` after waiting ${w.waited_min} min` : '';
  if (!w.quiet) return ` (busy machine: load average ≥ 1.5 at the start${waited}, so this run shared the cores with other work)`;
  return waited ? ` (quiet machine${waited})` : '';
}

function status(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

function breakdown(cpu: Record<string, number>, pss: Record<string, number>): string[] {
  const kinds = [...new Set([...Object.keys(cpu), ...Object.keys(pss)])].sort((a, b) => (cpu[b] ?? 0) - (cpu[a] ?? 0));
  return ['| process | CPU (cores) | PSS (MB) |', '|---|---|---|', ...kinds.map((k) => `| ${k} | ${cpu[k] ?? 0} | ${pss[k] ?? 0} |`)];
}

export function markdownReport(r: BenchResults, chartFile: string): string {
  const t = r.targets;
  const j = r.join_parts_ms_median;
  const q = r.recording_quality_720p30;
  const v = q.video;
  const lines = [
    `Run of ${r.date} (${r.mode}), commit \`${r.commit.slice(0, 12)}\`${r.dirty_paths ? ` + ${r.dirty_paths} uncommitted paths in the shared tree` : ''}, ${r.duration_sec} s.`,
    `Machine: ${r.machine.cpu_model}, ${r.machine.cores} cores, ${r.machine.memory_mb} MB; Chromium ${r.machine.chromium}, ${r.machine.ffmpeg}, Node ${r.machine.node}.`,
    `Load average (1/5/15 min) before ${r.loadavg_before.join(' / ')}, after ${r.loadavg_after.join(' / ')}${quietNote(r.waited_for_quiet)}. Steady windows: ${r.window_sec} s.`,
    '',
    '| metric | target | measured | |',
    '|---|---|---|---|',
    `| join time, median of ${r.joins.length} (spawn → \`bot.in_call_recording\`) | ≤ ${t.join_ms_median.max} ms | ${r.join_ms_median} ms | ${status(r.join_ms_median <= t.join_ms_median.max)} |`,
    `| CPU per 720p30 bot | ≤ ${t.cpu_cores_per_bot_720p30.max} core | ${r.cpu_cores_per_bot_720p30} core (mean ${r.cpu_cores_per_bot_720p30_mean}) | ${status(r.cpu_cores_per_bot_720p30 <= t.cpu_cores_per_bot_720p30.max)} |`,
    `| PSS per 720p30 bot | ≤ ${t.pss_mb_per_bot_720p30.max} MB | ${r.pss_mb_per_bot_720p30} MB | ${status(r.pss_mb_per_bot_720p30 <= t.pss_mb_per_bot_720p30.max)} |`,
    `| CPU per audio-only bot | ≤ ${t.cpu_cores_per_bot_audio_only.max} core | ${r.cpu_cores_per_bot_audio_only} core (mean ${r.cpu_cores_per_bot_audio_only_mean}) | ${status(r.cpu_cores_per_bot_audio_only <= t.cpu_cores_per_bot_audio_only.max)} |`,
    `| PSS per audio-only bot | – | ${r.pss_mb_per_bot_audio_only} MB | |`,
    `| concurrent 720p30 bots on ${r.machine.cores} cores (each ≥ 95 % distinct frames, no audio gap) | ≥ ${t.max_concurrent_720p30.min} | ${r.max_concurrent_720p30} | ${status(r.max_concurrent_720p30 >= t.max_concurrent_720p30.min)} |`,
    `| (the same, frame rate only: audio gaps not counted) | | ${r.max_concurrent_720p30_frames_only} | |`,
    `| (projection: ${r.machine.cores} cores / CPU per 720p30 bot, without the mock's participants on the same cores) | | ${r.max_concurrent_720p30_cpu_bound} | |`,
    `| A/V offset (beep − flash, median) | ≤ ${t.av_offset_ms.maxAbs} ms | ${r.av_offset_ms} ms | ${status(Math.abs(r.av_offset_ms) <= t.av_offset_ms.maxAbs)} |`,
    '',
    `### Join time, medians (ms)`,
    '',
    '| total | Node start + config | media environment (Xvfb, PulseAudio) | browser launch + CDP | page load + join steps | join click → call seen | admitted → recording | rest |',
    '|---|---|---|---|---|---|---|---|',
    `| ${r.join_ms_median} | ${j.startup_ms} | ${j.media_environment_ms} | ${j.browser_launch_ms} | ${j.join_steps_ms} | ${j.admission_seen_ms} | ${j.admitted_to_recording_ms} | ${j.other_ms} |`,
    '',
    'Each column is the median of that part over the joins, so the parts need not add up to the median total.',
    '',
    `All joins (ms): ${r.joins.map((s) => s.join_ms).join(', ')}.`,
    '',
    `Meet's join steps use OS-level input (XTEST: pointer paths, key events) by default; the same run joined as often with CDP input (\`MEETBOT_UI_INPUT=cdp\`), alternating:`,
    '',
    '| input | join time | page load + join steps |',
    '|---|---|---|',
    `| OS-level (default) | ${r.join_input.os_join_ms} ms | ${r.join_input.os_join_steps_ms} ms |`,
    `| CDP | ${r.join_input.cdp_join_ms} ms | ${r.join_input.cdp_join_steps_ms} ms |`,
    `| ratio OS / CDP | ${r.join_input.join_ms_ratio} | |`,
    '',
    '### Floors and ratios',
    '',
    '| floor | CPU (cores) | PSS (MB) |',
    '|---|---|---|',
    `| ffmpeg alone: lavfi testsrc2 720p30 \`-re\`, the recorder's encoder (\`${r.floor_encode_args.join(' ')}\`) | ${r.floor_encode_cores_720p30} | – |`,
    `| Chromium alone in the same 4-participant meeting (Chromium's tree, no recorder, no polling) | ${r.floor_render_cores} | ${r.floor_render_pss_mb} |`,
    '',
    '| ratio | value |',
    '|---|---|',
    ...Object.entries(r.ratios).map(([k, x]) => `| ${k} | ${x} |`),
    '',
    '### Where a 720p30 bot spends it (per process kind)',
    '',
    ...breakdown(r.cpu_by_process_720p30, r.pss_by_process_720p30),
    '',
    '### Where an audio-only bot spends it',
    '',
    ...breakdown(r.cpu_by_process_audio_only, r.pss_by_process_audio_only),
    '',
    '### Recording quality (single 720p30 bot, steady window)',
    '',
    v
      ? `Video: ${v.frames} frames in ${round(v.seconds, 1)} s (target ${Math.round(v.seconds * 30)}), ${v.distinct} distinct (${round(v.distinctRatio * 100, 1)} %), ${v.dropped} dropped, ${v.duplicated} duplicated, longest freeze ${v.longestFreezeMs} ms.`
      : 'Video: not analysed.',
    `Audio: ${q.audio.gaps} gaps ≥ 20 ms (longest ${q.audio.longestGapMs} ms); recorder gaps: ${q.gap_events}. Audio-only bot: ${r.recording_quality_audio_only.audio.gaps} gaps, ${r.recording_quality_audio_only.gap_events} recorder gaps.`,
    q.sync
      ? `A/V (a meeting with one flash+beep participant, steady window after 15 s in the call): ${q.sync.pairs} flash/beep pairs (${q.sync.flashes} flashes, ${q.sync.beeps} beeps), median offset ${q.sync.medianMs} ms (positive: sound later); offsets ${q.sync.offsetsMs.join(', ')} ms.`
      : 'A/V: not measured.',
    q.syncFromStart
      ? `A/V over the whole recording, from admission: median ${q.syncFromStart.medianMs} ms; offsets in order ${q.syncFromStart.offsetsMs.join(', ')} ms (WebRTC's lip sync settling).`
      : '',
    '',
    '### Density (each bot in its own 4-participant meeting)',
    '',
    '| bots | all kept ≥ 95 % frames, no audio gap | CPU per bot (median of the bots, cores) | PSS per bot (median of the bots, MB) | lowest distinct-frame ratio | audio gaps | mock participants\' browser (cores) | load avg after |',
    '|---|---|---|---|---|---|---|---|',
    ...r.density.map(
      (d) =>
        `| ${d.bots} | ${d.ok ? 'yes' : 'no'} | ${round(median(d.cpu_cores_per_bot), 3)} | ${round(median(d.pss_mb_per_bot), 1)} | ${round(d.min_distinct_ratio * 100, 1)} % | ${d.audio_gaps + d.gap_events} | ${d.mock_cores ?? '–'} | ${d.loadavg.join(' / ')} |`,
    ),
    '',
    `![CPU and PSS per bot against concurrent bots](${chartFile})`,
    '',
    "### The bot's Node (an audio-only bot on each Node, with and without its V8 flags)",
    '',
    '| Node | flags | `meetbot schema` start-up (median, ms) | start → first event (ms) | join (ms) | bot\'s Node PSS (MB) | bot\'s Node CPU (cores) | whole bot PSS (MB) |',
    '|---|---|---|---|---|---|---|---|',
    ...r.node_runtimes.map(
      (n) => `| ${n.node} | ${n.flags || 'none'} | ${n.cli_startup_ms} | ${n.first_event_ms} | ${n.join_ms} | ${n.node_pss_mb} | ${n.node_cores} | ${n.bot_pss_mb} |`,
    ),
    '',
    ...warmJoinSection(r.warm_joins),
    ...apiSection(r.api_creates, r.dispatch_lag),
    ...platformSection(r.platforms ?? []),
    ...layoutSection(r.layouts ?? []),
  ];
  return lines.join('\n');
}

/** Scheduled bots started ahead of join_at, as `meetbot serve` does (target: in the call within 1 s of join_at). */
function warmJoinSection(w: BenchResults['warm_joins']): string[] {
  if (w.length === 0) return [];
  const med = (k: keyof (typeof w)[number]) => Math.round(median(w.map((s) => s[k])));
  return [
    `### Warm joins: a bot started 12 s before its join_at, ${w.length} runs`,
    '',
    '| join_at → admitted (median) | join_at → recording (median) | target | all (admitted, ms) |',
    '|---|---|---|---|',
    `| ${med('join_at_to_in_call_ms')} ms | ${med('join_at_to_recording_ms')} ms | in the call ≤ 1000 ms | ${w.map((s) => s.join_at_to_in_call_ms).join(', ')} |`,
    '',
  ];
}

/** The API's create request (bench/apiLoad.ts): no bots are started, only the service and its database work. */
function apiSection(a: BenchResults['api_creates'], d: BenchResults['dispatch_lag']): string[] {
  if (!a || !d) return [];
  return [
    `### The API: the seed's Create Bot request against \`meetbot serve\` (${a.database}, no bots started)`,
    '',
    '| creates one at a time | p50 | p99 | concurrent clients | creates per second |',
    '|---|---|---|---|---|',
    `| ${a.sequential_creates} | ${a.create_p50_ms} ms | ${a.create_p99_ms} ms | ${a.concurrency} | ${a.creates_per_sec} |`,
    '',
    `Scheduled bots: ${d.scheduled_bots} with their join_at spread over ${d.over_sec} s, each dispatch due at its join_at: handed to the launcher ${d.dispatch_lag_p50_ms} ms (p50) and ${d.dispatch_lag_p99_ms} ms (p99) after it (target p99 ≤ 1000 ms).`,
    '',
  ];
}

