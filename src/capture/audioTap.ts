import { EventEmitter } from 'node:events';
import { TAP_BYTES_PER_MS } from './ffmpegArgs.js';

export interface AudioLevel {
  /** Root mean square, 0..1 of full scale. */
  rms: number;
  /** Largest absolute sample, 0..1 of full scale. */
  peak: number;
}

export interface AudioFrame {
  /** S16LE, 16 kHz, mono; FRAME_MS long. */
  pcm: Buffer;
  /** Start of this frame, ms since the recording started (continues across ffmpeg restarts). */
  relativeMs: number;
  capturedAt: Date;
  level: AudioLevel;
}

export const FRAME_MS = 20;
const FRAME_BYTES = FRAME_MS * TAP_BYTES_PER_MS;

/** Level of a S16LE buffer (pure). */
export function levelOf(pcm: Buffer): AudioLevel {
  const n = pcm.length >> 1;
  if (n === 0) return { rms: 0, peak: 0 };
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const v = pcm.readInt16LE(i * 2);
    sum += v * v;
    const a = Math.abs(v);
    if (a > peak) peak = a;
  }
  return { rms: Math.sqrt(sum / n) / 32768, peak: peak / 32768 };
}

/**
 * The realtime meeting audio: ffmpeg's second output, cut into 20 ms frames. Events: 'frame' (AudioFrame).
 * Frame times count samples, so they stay exact however the pipe chunks the bytes; after an ffmpeg restart
 * they resume at the wall-clock time the new segment's audio began (the gap shows as a jump).
 */
export class AudioTap extends EventEmitter<{ frame: [AudioFrame] }> {
  private pending: Buffer = Buffer.alloc(0);
  private originWallMs: number | null = null;
  private segmentBaseMs = 0;
  private segmentBytes = 0;
  private segmentPending = true;
  private totalBytes = 0;

  /** The next bytes come from a new ffmpeg (a new segment): their time restarts from the wall clock. */
  beginSegment(): void {
    this.pending = Buffer.alloc(0);
    this.segmentPending = true;
  }

  /** Total audio delivered, ms. */
  get durationMs(): number {
    return this.totalBytes / TAP_BYTES_PER_MS;
  }

  /** Wall-clock ms of relativeMs 0 (the first audio), or null before any. */
  get originMs(): number | null {
    return this.originWallMs;
  }

  /** Bytes from ffmpeg's stdout, received at `wallMs`. */
  push(chunk: Buffer, wallMs: number): void {
    if (this.segmentPending) {
      // The chunk's first sample was captured about one chunk-length before it arrived.
      const startWall = wallMs - chunk.length / TAP_BYTES_PER_MS;
      this.originWallMs ??= startWall;
      // Never earlier than where the previous segment ended: frame times only move forward.
      this.segmentBaseMs = Math.max(startWall - this.originWallMs, this.segmentBaseMs + this.segmentBytes / TAP_BYTES_PER_MS);
      this.segmentBytes = 0;
      this.segmentPending = false;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= FRAME_BYTES) {
      const pcm = this.pending.subarray(0, FRAME_BYTES);
      this.pending = this.pending.subarray(FRAME_BYTES);
      const relativeMs = this.segmentBaseMs + this.segmentBytes / TAP_BYTES_PER_MS;
      this.segmentBytes += FRAME_BYTES;
      this.totalBytes += FRAME_BYTES;
      // Copy: consumers may keep frames, and subarray would pin the whole pipe chunk.
      const frame = Buffer.from(pcm);
      this.emit('frame', {
        pcm: frame,
        relativeMs,
        capturedAt: new Date((this.originWallMs ?? 0) + relativeMs),
        level: levelOf(frame),
      });
    }
  }
}
