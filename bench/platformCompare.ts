import type { MockPlatform } from '../fixtures/mock/types.js';
import { BODIES, measureJoin, standardMeeting, steadyBots, type Env, type JoinSample } from './scenarios.js';
import { median, round } from './stats.js';

/** One platform's bot in the same run as the others: cold joins and one 720p30 bot's steady cost. */
export interface PlatformResult {
  platform: MockPlatform;
  joins: JoinSample[];
  join_ms_median: number;
  join_steps_ms_median: number;
  admission_seen_ms_median: number;
  cpu_cores_720p30: number;
  pss_mb_720p30: number;
  /** The steady recording kept ≥ 95 % distinct frames and had no audio gap. */
  recording_ok: boolean;
}

/**
 * Platforms side by side in one run (these machines are shared and noisy: only numbers of one run compare):
 * joins alternate between the platforms, each with its adapter's default input, into the same standard
 * four-participant meeting on each mock; then one bot per platform records through the same steady window.
 */
export async function comparePlatforms(
  env: Env,
  platforms: readonly MockPlatform[],
  joins: number,
  steady: { windowSec: number; warmupSec: number },
): Promise<PlatformResult[]> {
  const samples = new Map<MockPlatform, JoinSample[]>(platforms.map((p) => [p, []]));
  for (let i = 0; i < joins; i++) {
    for (const platform of platforms) {
      const sample = await measureJoin(env, null, platform);
      samples.get(platform)!.push(sample);
      env.log(`${platform} join ${i + 1}/${joins}: ${JSON.stringify(sample)}`);
    }
  }
  const results: PlatformResult[] = [];
  for (const platform of platforms) {
    const steadyRun = await steadyBots(env, 1, BODIES.video720p30, { ...steady, video: true, meeting: standardMeeting(platform) });
    const bot = steadyRun.bots[0]!;
    const own = samples.get(platform)!;
    const med = (k: keyof JoinSample) => Math.round(median(own.map((s) => s[k])));
    results.push({
      platform,
      joins: own,
      join_ms_median: med('join_ms'),
      join_steps_ms_median: med('join_steps_ms'),
      admission_seen_ms_median: med('admission_seen_ms'),
      cpu_cores_720p30: round(bot.usage.coresMedian, 3),
      pss_mb_720p30: round(bot.usage.pssMb, 1),
      recording_ok: bot.ok,
    });
    env.log(`${platform} 720p30 bot: ${round(bot.usage.coresMedian, 3)} cores, ${round(bot.usage.pssMb, 1)} MB, ok=${bot.ok}`);
  }
  return results;
}

/** The report's table: each platform against the first (Meet), medians of this run. */
export function platformSection(results: readonly PlatformResult[]): string[] {
  if (results.length === 0) return [];
  const base = results[0]!;
  return [
    `### Platforms side by side (${base.joins.length} cold joins each, alternating; then one 720p30 bot each, one after the other, same window length)`,
    '',
    '| platform | join (median, ms) | join steps (ms) | join click → in call seen (ms) | join vs first | CPU 720p30 (median, cores) | CPU vs first | PSS (MB) | recording ok |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.platform} | ${r.join_ms_median} | ${r.join_steps_ms_median} | ${r.admission_seen_ms_median} | ${round(r.join_ms_median / base.join_ms_median, 2)} | ${r.cpu_cores_720p30} | ${round(r.cpu_cores_720p30 / base.cpu_cores_720p30, 2)} | ${r.pss_mb_720p30} | ${r.recording_ok ? 'yes' : 'no'} |`,
    ),
    '',
  ];
}
