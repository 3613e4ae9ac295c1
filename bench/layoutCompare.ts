import type { RecordingLayout } from '../src/config/botSpec.js';
import { steadyBots, type Env } from './scenarios.js';
import { round } from './stats.js';

/** One layout's recording bot in the same run as the others: its steady cost at 720p30. */
export interface LayoutResult {
  layout: RecordingLayout;
  cpu_cores_720p30: number;
  /** Of that, Chromium (the page, the stage's drawing, compositing). */
  chromium_cores: number;
  pss_mb_720p30: number;
  recording_ok: boolean;
}

const BODY: Record<RecordingLayout, Record<string, unknown>> = {
  speaker_view: { recording_settings: { view: 'speaker_view', resolution: '720p' } },
  speaker_view_no_sidebar: { recording_settings: { view: 'speaker_view_no_sidebar', resolution: '720p' } },
  gallery_view: { recording_settings: { view: 'gallery_view', resolution: '720p' } },
};

/**
 * Each layout's cost, one bot after the other through the same steady window in the standard Meet meeting
 * (these machines are shared and noisy: only numbers of one run compare). The stage draws every layout;
 * what differs is how many videos it draws, how large, and Meet's own layout behind it.
 */
export async function compareLayouts(env: Env, steady: { windowSec: number; warmupSec: number }): Promise<LayoutResult[]> {
  const results: LayoutResult[] = [];
  for (const layout of Object.keys(BODY) as RecordingLayout[]) {
    const bot = (await steadyBots(env, 1, BODY[layout], { ...steady, video: true })).bots[0]!;
    const chromium = Object.entries(bot.usage.coresByKind).filter(([k]) => k.startsWith('chromium')).reduce((s, [, c]) => s + c, 0);
    results.push({
      layout,
      cpu_cores_720p30: round(bot.usage.coresMedian, 3),
      chromium_cores: round(chromium, 3),
      pss_mb_720p30: round(bot.usage.pssMb, 1),
      recording_ok: bot.ok,
    });
    env.log(`${layout} bot: ${round(bot.usage.coresMedian, 3)} cores (chromium ${round(chromium, 3)}), ${round(bot.usage.pssMb, 1)} MB, ok=${bot.ok}`);
  }
  return results;
}

/** The report's table: each layout against speaker view, medians of this run. */
export function layoutSection(results: readonly LayoutResult[]): string[] {
  if (results.length === 0) return [];
  const base = results[0]!;
  return [
    '### Recording layouts side by side (one 720p30 bot each on the Meet mock, one after the other, same window length)',
    '',
    '| layout | CPU (median, cores) | CPU vs speaker_view | of which Chromium (cores) | PSS (MB) | recording ok |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.layout} | ${r.cpu_cores_720p30} | ${round(r.cpu_cores_720p30 / base.cpu_cores_720p30, 2)} | ${r.chromium_cores} | ${r.pss_mb_720p30} | ${r.recording_ok ? 'yes' : 'no'} |`,
    ),
    '',
  ];
}
