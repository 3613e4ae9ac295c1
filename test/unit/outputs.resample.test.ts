import { describe, expect, it } from 'vitest';
import { delaySec, resamplePcm16, type ResampleState } from '../../src/outputs/resample.js';

const AMP = 10_000;

/** A sine tone; `startSec` shifts it in time (to compare with a delayed output). */
function tone(freq: number, rate: number, samples: number, startSec = 0): Buffer {
  const b = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const t = startSec + i / rate;
    b.writeInt16LE(t < 0 ? 0 : Math.round(AMP * Math.sin(2 * Math.PI * freq * t)), i * 2);
  }
  return b;
}

function samples(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 2) out.push(b.readInt16LE(i));
  return out;
}

function rms(xs: number[]): number {
  return Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
}

/** Resamples `input` in chunks of `chunk` samples, carrying the state, and joins the output. */
function streamed(input: Buffer, chunk: number, to: number): { out: Buffer; counts: number[] } {
  let state: ResampleState | undefined;
  const parts: Buffer[] = [];
  for (let off = 0; off < input.length; off += chunk * 2) {
    const r = resamplePcm16(input.subarray(off, off + chunk * 2), 16000, to, state);
    parts.push(r.pcm);
    state = r.state;
  }
  return { out: Buffer.concat(parts), counts: parts.map((p) => p.length / 2) };
}

/** Worst and RMS difference from the ideal tone at the target rate (shifted by the filter's delay). */
function errorVsIdeal(out: Buffer, freq: number, to: number): { worst: number; rms: number } {
  const got = samples(out);
  const ideal = samples(tone(freq, to, got.length, -delaySec(16000, to)));
  // The lead-in ramps up from the silence before the stream: judge from 5 ms on.
  const skip = Math.ceil(0.005 * to);
  const diff = got.slice(skip).map((v, i) => v - ideal[i + skip]!);
  return { worst: Math.max(...diff.map(Math.abs)), rms: rms(diff) };
}

describe('resamplePcm16', () => {
  it.each([8000, 16000, 24000])('turns each 20 ms chunk at 16 kHz into exactly 20 ms at %i Hz', (to) => {
    const { out, counts } = streamed(tone(440, 16000, 16000), 320, to);
    expect(counts.every((c) => c === (320 * to) / 16000)).toBe(true);
    expect(out.length / 2).toBe(to);
  });

  it('keeps the running total exact for chunk sizes that do not divide evenly', () => {
    const { counts } = streamed(tone(440, 16000, 321 * 10), 321, 24000);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(Math.ceil((321 * 10 * 24000) / 16000));
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(481);
    expect(Math.max(...counts)).toBeLessThanOrEqual(482);
    expect(resamplePcm16(Buffer.alloc(0), 16000, 8000).pcm.length).toBe(0);
  });

  it('keeps a tone the same tone (frequency, phase, level) and chunk edges seamless, going down or up', () => {
    for (const [freq, to] of [
      [440, 8000],
      [440, 24000],
      [3000, 8000],
      [3000, 24000],
    ] as const) {
      // 20 ms chunks: a click at every chunk edge would show as a large worst-case error.
      const e = errorVsIdeal(streamed(tone(freq, 16000, 16000), 320, to).out, freq, to);
      expect(e.rms, `${freq} Hz -> ${to}`).toBeLessThan(0.01 * AMP);
      expect(e.worst, `${freq} Hz -> ${to}`).toBeLessThan(0.03 * AMP);
    }
  });

  it('gives the same samples whether the stream comes whole or in chunks', () => {
    const input = tone(1000, 16000, 8000);
    const whole = resamplePcm16(input, 16000, 24000).pcm;
    const chunked = streamed(input, 160, 24000).out;
    expect(chunked.equals(whole)).toBe(true);
  });

  it('filters out what 8 kHz cannot carry instead of folding it back as an alias', () => {
    // 6 kHz is above 8 kHz's Nyquist (4 kHz): unfiltered it would come back as a loud 2 kHz tone.
    const out = samples(streamed(tone(6000, 16000, 16000), 320, 8000).out);
    expect(rms(out.slice(100))).toBeLessThan(0.02 * (AMP / Math.SQRT2));
  });

  it('is the identity at the same rate, never mutates its state, and refuses nonsense', () => {
    const input = tone(440, 16000, 640);
    expect(resamplePcm16(input, 16000, 16000).pcm.equals(input)).toBe(true);
    expect(delaySec(16000, 16000)).toBe(0);

    const first = resamplePcm16(input.subarray(0, 640), 16000, 24000);
    const snapshot = JSON.stringify({ ...first.state, history: [...first.state.history] });
    const a = resamplePcm16(input.subarray(640), 16000, 24000, first.state);
    const b = resamplePcm16(input.subarray(640), 16000, 24000, first.state);
    expect(JSON.stringify({ ...first.state, history: [...first.state.history] })).toBe(snapshot);
    expect(a.pcm.equals(b.pcm)).toBe(true);

    expect(() => resamplePcm16(input, 0, 8000)).toThrow(/rates/);
    expect(() => resamplePcm16(input, 16000, 8000, first.state)).toThrow(/other rates/);
  });
});
