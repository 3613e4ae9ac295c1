import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeAudio, rms } from '../fixtures/media/audio.js';
import { execMedia } from '../fixtures/media/exec.js';
import { measureAvOffset } from '../fixtures/media/sync.js';
import { median } from './stats.js';

/**
 * What a recording looks like over a window of steady recording: frames grabbed against the target rate,
 * frames that really differ (mpdecimate), the longest freeze, and holes in the audio. The analysis helpers of
 * the e2e tests (tones, A/V offset) are reused as they are.
 */

export interface VideoWindow {
  seconds: number;
  /** Frames in the file within the window (what x11grab delivered and x264 encoded). */
  frames: number;
  /** Frames left after mpdecimate: pictures that differ from the one before. */
  distinct: number;
  /** distinct / (target fps × seconds). */
  distinctRatio: number;
  /** Target frames missing from the file: target − frames (never below 0). */
  dropped: number;
  /** Frames in the file identical to the one before: frames − distinct. */
  duplicated: number;
  /** Longest time between two distinct pictures, ms. */
  longestFreezeMs: number;
}

export interface AudioWindow {
  /** Stretches of at least `minGapMs` quieter than -40 dBFS while the participants talk without a pause. */
  gaps: number;
  longestGapMs: number;
}

/** ffmpeg's movie source needs ':', ',', '\'' and '\\' escaped twice (filter option, then filtergraph). */
function movieSource(file: string): string {
  return `movie=${file.replace(/\\/g, '\\\\').replace(/[':,]/g, (c) => `\\\\${c}`)}`;
}

async function videoPts(file: string, fromSec: number, toSec: number, filter: string): Promise<number[]> {
  const graph = `${movieSource(file)},trim=start=${fromSec}:end=${toSec}${filter ? `,${filter}` : ''}`;
  const { stdout } = await execMedia('ffprobe', ['-v', 'error', '-f', 'lavfi', '-i', graph, '-show_entries', 'frame=pts_time', '-of', 'csv=p=0']);
  return stdout
    .toString()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => Number(l.split(',')[0]))
    .filter((t) => Number.isFinite(t));
}

export async function videoWindow(file: string, fromSec: number, toSec: number, fps: number): Promise<VideoWindow> {
  const [all, kept] = await Promise.all([videoPts(file, fromSec, toSec, ''), videoPts(file, fromSec, toSec, 'mpdecimate')]);
  const seconds = toSec - fromSec;
  const target = Math.round(fps * seconds);
  let longest = 0;
  for (let i = 1; i < kept.length; i++) longest = Math.max(longest, kept[i]! - kept[i - 1]!);
  return {
    seconds,
    frames: all.length,
    distinct: kept.length,
    distinctRatio: kept.length / target,
    dropped: Math.max(0, target - all.length),
    duplicated: all.length - kept.length,
    longestFreezeMs: Math.round(longest * 1000),
  };
}

export async function audioWindow(file: string, fromSec: number, toSec: number, minGapMs = 20): Promise<AudioWindow> {
  const pcm = await decodeAudio(file, { sampleRate: 16_000, fromSec, toSec });
  const step = pcm.sampleRate / 100;
  const quiet = 0.01;
  let gaps = 0;
  let longest = 0;
  let run = 0;
  const close = () => {
    const ms = run * 10;
    if (ms >= minGapMs) gaps++;
    longest = Math.max(longest, ms);
    run = 0;
  };
  for (let i = 0; i + step <= pcm.samples.length; i += step) {
    if (rms(pcm.samples, i, i + step) < quiet) run++;
    else close();
  }
  close();
  return { gaps, longestGapMs: longest >= minGapMs ? longest : 0 };
}

export interface AvSync {
  medianMs: number;
  pairs: number;
  flashes: number;
  beeps: number;
  /** Every pair's offset in order (beep minus flash, ms, not frame-corrected). */
  offsetsMs: number[];
}

/**
 * A/V offset of a recording with a flash+beep participant: the median of the per-flash offsets (beep minus
 * flash), plus half a frame because a flash is first seen in the frame grabbed after it (0..1 frame late).
 * With a window, only that stretch is measured: it is cut out first (re-encoded, both streams shifted alike).
 */
export async function avSync(file: string, hz: number, fps: number, window?: { fromSec: number; toSec: number }): Promise<AvSync> {
  let measured = file;
  if (window) {
    measured = join(dirname(file), `window-${window.fromSec.toFixed(1)}.mkv`);
    await execMedia('ffmpeg', [
      '-v', 'error', '-y', '-ss', String(window.fromSec), '-i', file, '-t', String(window.toSec - window.fromSec),
      '-map', '0:v:0', '-map', '0:a:0', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-c:a', 'pcm_s16le', measured,
    ]);
  }
  try {
    const r = await measureAvOffset(measured, hz, fps);
    const medianMs = median(r.offsetsMs) + 500 / fps;
    return {
      medianMs: Math.round(medianMs * 10) / 10,
      pairs: r.offsetsMs.length,
      flashes: r.flashes,
      beeps: r.beeps,
      offsetsMs: r.offsetsMs.map((o) => Math.round(o)),
    };
  } finally {
    if (measured !== file) await rm(measured, { force: true });
  }
}

/** Duration of a media file, seconds. */
export async function durationSec(file: string): Promise<number> {
  const { stdout } = await execMedia('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.toString().trim());
}
