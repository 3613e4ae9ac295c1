import { execMedia } from './mediaExec.js';

/** Video analysis: per-frame timestamps and brightness, tiny-frame differences, colours. */

export interface FrameStat {
  /** Presentation time, seconds. */
  t: number;
  /** Mean luma 0..255. */
  luma: number;
}

/** Every frame's container pts and mean luma (ffprobe + signalstats; no frame-rate conversion, no offset). */
export async function frameStats(file: string): Promise<FrameStat[]> {
  // The movie source keeps the container's own timestamps, comparable with ffprobe's start_time.
  const escaped = file.replace(/\\/g, '\\\\').replace(/[':,]/g, (c) => `\\\\${c}`);
  const { stdout } = await execMedia('ffprobe', [
    '-v', 'error', '-f', 'lavfi', '-i', `movie=${escaped},scale=64:36,signalstats`,
    '-show_entries', 'frame=pts_time:frame_tags=lavfi.signalstats.YAVG', '-of', 'csv=p=0',
  ]);
  return stdout
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.split(','))
    .filter((f) => f.length >= 2 && f[0] !== 'N/A')
    .map((f) => ({ t: Number(f[0]), luma: Number(f[1]) }));
}

/**
 * Mean absolute difference (0..255) between consecutive frames sampled at `fps`, on 64x36 grey thumbnails:
 * near 0 for a frozen picture, clearly above for a moving one.
 */
export async function frameDifferences(file: string, opts: { fps?: number } = {}): Promise<number[]> {
  const w = 64;
  const h = 36;
  const { stdout } = await execMedia('ffmpeg', [
    '-v', 'error', '-i', file, '-map', '0:v:0',
    '-vf', `fps=${opts.fps ?? 2},scale=${w}:${h},format=gray`, '-f', 'rawvideo', 'pipe:1',
  ]);
  const size = w * h;
  const diffs: number[] = [];
  for (let off = size; off + size <= stdout.length; off += size) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += Math.abs(stdout[off + i]! - stdout[off - size + i]!);
    diffs.push(sum / size);
  }
  return diffs;
}

/** Mean RGB colour of one frame at `atSec` (e.g. to tell which page a recording shows). */
export async function meanColor(file: string, atSec: number): Promise<[number, number, number]> {
  const { stdout } = await execMedia('ffmpeg', [
    '-v', 'error', '-ss', String(atSec), '-i', file, '-map', '0:v:0', '-frames:v', '1',
    '-vf', 'scale=16:9', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ]);
  const px = stdout.length / 3;
  const sum = [0, 0, 0];
  for (let i = 0; i < stdout.length; i++) sum[i % 3]! += stdout[i]!;
  return [sum[0]! / px, sum[1]! / px, sum[2]! / px];
}

/**
 * Times of frames where the picture turns bright after being dark (flash starts). The default threshold is
 * half-way between the 5th and 97th percentiles of the frames' luma (a flash is ~5 % of the frames): a few
 * frames of a bright page at the start of a recording, while the call's layout settles, do not set the scale.
 */
export function flashOnsets(frames: FrameStat[], threshold?: number): number[] {
  const lumas = frames.map((f) => f.luma).sort((a, b) => a - b);
  const percentile = (q: number) => lumas[Math.round(q * (lumas.length - 1))] ?? 0;
  const mid = threshold ?? (percentile(0.05) + percentile(0.97)) / 2;
  const onsets: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    if (frames[i]!.luma >= mid && frames[i - 1]!.luma < mid) onsets.push(frames[i]!.t);
  }
  return onsets;
}
