import { describe, expect, it } from 'vitest';
import { AudioTap, FRAME_MS, levelOf, type AudioFrame } from '../../src/capture/audioTap.js';

function pcm(samples: number[]): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => b.writeInt16LE(s, i * 2));
  return b;
}

const FRAME_BYTES = FRAME_MS * 32;

describe('levelOf', () => {
  it('measures RMS and peak on the full-scale range', () => {
    expect(levelOf(Buffer.alloc(0))).toEqual({ rms: 0, peak: 0 });
    const l = levelOf(pcm([16384, -16384, 16384, -16384]));
    expect(l.rms).toBeCloseTo(0.5, 5);
    expect(l.peak).toBeCloseTo(0.5, 5);
    expect(levelOf(pcm([0, -32768])).peak).toBe(1);
  });
});

describe('AudioTap', () => {
  it('re-cuts arbitrary chunks into 20 ms frames with sample-exact times', () => {
    const tap = new AudioTap();
    const frames: AudioFrame[] = [];
    tap.on('frame', (f) => frames.push(f));
    const data = Buffer.alloc(FRAME_BYTES * 3 + 100, 1);
    tap.push(data.subarray(0, 700), 10_000);
    tap.push(data.subarray(700), 10_050);
    expect(frames.map((f) => f.relativeMs)).toEqual([0, 20, 40]);
    expect(frames.every((f) => f.pcm.length === FRAME_BYTES)).toBe(true);
    // The first chunk (700 bytes ≈ 21.9 ms) arrived at 10 000 ms, so audio began ≈ 9 978 ms.
    expect(frames[0]!.capturedAt.getTime()).toBeCloseTo(10_000 - 700 / 32, 0);
    expect(frames[1]!.capturedAt.getTime() - frames[0]!.capturedAt.getTime()).toBeCloseTo(20, 5);
    expect(tap.durationMs).toBe(60);
  });

  it('resumes after a new segment at the wall-clock time, never going back', () => {
    const tap = new AudioTap();
    const frames: AudioFrame[] = [];
    tap.on('frame', (f) => frames.push(f));
    tap.push(Buffer.alloc(FRAME_BYTES * 2), 1_000 + 40);
    tap.beginSegment();
    // Two seconds later a new ffmpeg: the gap shows as a jump in relativeMs.
    tap.push(Buffer.alloc(FRAME_BYTES), 3_000 + 20);
    expect(frames.map((f) => f.relativeMs)).toEqual([0, 20, 2000]);
    tap.beginSegment();
    // A clock that went backwards cannot make frames overlap.
    tap.push(Buffer.alloc(FRAME_BYTES), 2_000);
    expect(frames.at(-1)!.relativeMs).toBe(2020);
  });

  it('drops a partial frame when a segment ends', () => {
    const tap = new AudioTap();
    const frames: AudioFrame[] = [];
    tap.on('frame', (f) => frames.push(f));
    tap.push(Buffer.alloc(FRAME_BYTES + 10), 1_000);
    tap.beginSegment();
    tap.push(Buffer.alloc(FRAME_BYTES), 1_100);
    expect(frames).toHaveLength(2);
    expect(frames[1]!.pcm.length).toBe(FRAME_BYTES);
  });
});
