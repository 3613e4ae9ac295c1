import { decodeAudio, toneOnsets } from './mediaAudio.js';
import { execMedia } from './mediaExec.js';
import { flashOnsets, frameStats } from './mediaVideo.js';

export interface AvOffset {
  /** Per flash: beep onset minus flash onset, ms (positive = sound later than picture). */
  offsetsMs: number[];
  /**
   * Typical offset: the mean of the middle half of the offsets (the odd late or dropped frame on a loaded
   * machine is left out), corrected by half a frame: a flash is first seen in the frame grabbed after it
   * happened, so the video onset is late by 0..1 frame, half a frame on average.
   */
  typicalMs: number;
  flashes: number;
  beeps: number;
}

/** A/V offset of a recording of the flash+beep page: pairs each flash with the nearest beep. */
export async function measureAvOffset(file: string, hz: number, fps: number): Promise<AvOffset> {
  const frames = await frameStats(file);
  const flashes = flashOnsets(frames);
  // Audio decoded from the file start, like the video pts, so both are on the file's timeline.
  const pcm = await decodeAudio(file, { sampleRate: 48_000 });
  const audioStart = await streamStart(file, 'a');
  const beeps = toneOnsets(pcm, hz).map((t) => t + audioStart);
  const offsetsMs: number[] = [];
  for (const f of flashes) {
    const nearest = beeps.reduce((best, b) => (Math.abs(b - f) < Math.abs(best - f) ? b : best), Infinity);
    if (Math.abs(nearest - f) < 0.3) offsetsMs.push((nearest - f) * 1000);
  }
  const sorted = [...offsetsMs].sort((a, b) => a - b);
  const middle = sorted.slice(Math.floor(sorted.length / 4), Math.ceil((sorted.length * 3) / 4));
  const typical = middle.reduce((a, b) => a + b, 0) / middle.length;
  return { offsetsMs, typicalMs: typical + 500 / fps, flashes: flashes.length, beeps: beeps.length };
}

/** A stream's start_time in the container, seconds (the origin of its decoded samples). */
export async function streamStart(file: string, type: 'a' | 'v'): Promise<number> {
  const { stdout } = await execMedia('ffprobe', [
    '-v', 'error', '-select_streams', `${type}:0`, '-show_entries', 'stream=start_time', '-of', 'csv=p=0', file,
  ]);
  return Number(stdout.toString().trim()) || 0;
}
