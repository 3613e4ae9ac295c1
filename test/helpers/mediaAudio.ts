import { execMedia, windowArgs } from './mediaExec.js';

/**
 * Audio analysis for recordings and raw PCM: decode to mono float samples, then measure tones with Goertzel
 * (one frequency) or an FFT (which frequencies dominate). Amplitudes are on the -1..1 sample scale.
 */

export interface Pcm {
  samples: Float32Array;
  sampleRate: number;
}

/** Decodes any file ffmpeg reads (or raw s16le with `raw`) to mono float PCM. */
export async function decodeAudio(
  file: string,
  opts: { sampleRate?: number; fromSec?: number; toSec?: number; raw?: { sampleRate: number; channels: number } } = {},
): Promise<Pcm> {
  const sampleRate = opts.sampleRate ?? 16_000;
  const input = opts.raw ? ['-f', 's16le', '-ar', String(opts.raw.sampleRate), '-ac', String(opts.raw.channels)] : [];
  const { stdout } = await execMedia('ffmpeg', [
    '-v', 'error', ...input, ...windowArgs(opts.fromSec, opts.toSec), '-i', file,
    '-map', '0:a:0', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1',
  ]);
  const copy = new Uint8Array(stdout).slice();
  return { samples: new Float32Array(copy.buffer, 0, copy.byteLength >> 2), sampleRate };
}

/** Raw S16LE mono bytes (the audio tap's format) → float PCM. */
export function pcmFromS16(buf: Buffer, sampleRate: number): Pcm {
  const samples = new Float32Array(buf.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(i * 2) / 32768;
  return { samples, sampleRate };
}

/** Amplitude of the `hz` component of samples[from, to) (Goertzel), e.g. 0.3 for a 0.3-amplitude sine. */
export function goertzel(samples: Float32Array, sampleRate: number, hz: number, from = 0, to = samples.length): number {
  const n = to - from;
  if (n <= 0) return 0;
  const w = (2 * Math.PI * hz) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s0 = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(power, 0))) / n;
}

export function rms(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

/**
 * Amplitude of the `hz` tone in a file between two times (whole file when omitted): the mean of Hann-windowed
 * Goertzel over 200 ms windows. Short windows keep phase jumps (a dropout, a resampler correction) from
 * cancelling the tone out as one long coherent window would; the Hann window keeps a neighbouring tone
 * (40 Hz away) from leaking in (< 0.001 of its amplitude). About 0.3 for a steady 0.3-amplitude sine.
 */
export async function toneEnergy(file: string, hz: number, fromSec?: number, toSec?: number): Promise<number> {
  const pcm = await decodeAudio(file, { sampleRate: 16_000, fromSec, toSec });
  return meanToneAmplitude(pcm, hz);
}

/** Amplitude of `hz` in samples[from, to) with a Hann window (full gain at exactly `hz`). */
export function hannGoertzel(samples: Float32Array, sampleRate: number, hz: number, from: number, to: number): number {
  const n = to - from;
  if (n <= 1) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const s0 = samples[from + i]! * w + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // The Hann window's coherent gain is 0.5.
  return (4 * Math.sqrt(Math.max(power, 0))) / n;
}

/** Mean Hann-windowed Goertzel amplitude of `hz` over consecutive windows of `windowMs`. */
export function meanToneAmplitude(pcm: Pcm, hz: number, windowMs = 200): number {
  const win = Math.round((windowMs * pcm.sampleRate) / 1000);
  let sum = 0;
  let n = 0;
  for (let i = 0; i + win <= pcm.samples.length; i += win, n++) sum += hannGoertzel(pcm.samples, pcm.sampleRate, hz, i, i + win);
  return n ? sum / n : 0;
}

/** In-place radix-2 FFT on (re, im); length must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

export interface SpectralPeak {
  hz: number;
  /** Mean magnitude relative to the strongest peak (1 for the strongest). */
  relative: number;
}

/**
 * The strongest frequencies of a signal: Hann-windowed FFT magnitudes averaged over windows, local maxima
 * ranked. Resolution = sampleRate / windowSize (≈ 3.9 Hz at 16 kHz with 4096).
 */
export function spectralPeaks(pcm: Pcm, opts: { count?: number; windowSize?: number; minHz?: number } = {}): SpectralPeak[] {
  const size = opts.windowSize ?? 4096;
  const { samples, sampleRate } = pcm;
  const mags = new Float64Array(size / 2);
  let windows = 0;
  for (let start = 0; start + size <= samples.length; start += size) {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    for (let i = 0; i < size; i++) re[i] = samples[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)));
    fft(re, im);
    for (let k = 0; k < size / 2; k++) mags[k]! += Math.hypot(re[k]!, im[k]!);
    windows++;
  }
  if (windows === 0) return [];
  const minBin = Math.max(1, Math.ceil(((opts.minHz ?? 50) * size) / sampleRate));
  const peaks: { bin: number; mag: number }[] = [];
  for (let k = minBin; k < size / 2 - 1; k++) {
    if (mags[k]! > mags[k - 1]! && mags[k]! >= mags[k + 1]!) peaks.push({ bin: k, mag: mags[k]! });
  }
  peaks.sort((a, b) => b.mag - a.mag);
  const top = peaks[0]?.mag ?? 1;
  return peaks.slice(0, opts.count ?? 3).map((p) => ({ hz: (p.bin * sampleRate) / size, relative: p.mag / top }));
}

/** The strongest frequencies of a file's audio (see spectralPeaks). */
export async function dominantFrequencies(file: string, opts: { count?: number; fromSec?: number; toSec?: number } = {}): Promise<SpectralPeak[]> {
  const pcm = await decodeAudio(file, { sampleRate: 16_000, fromSec: opts.fromSec, toSec: opts.toSec });
  return spectralPeaks(pcm, { count: opts.count ?? 3 });
}

/**
 * Times (s, from the start of the decoded audio) at which a tone of `hz` starts: the first `stepMs` window whose
 * amplitude crosses half the loudest window's, after at least `minGapMs` below it.
 */
export function toneOnsets(pcm: Pcm, hz: number, opts: { stepMs?: number; windowMs?: number; minGapMs?: number } = {}): number[] {
  const step = Math.round(((opts.stepMs ?? 1) * pcm.sampleRate) / 1000);
  const win = Math.round(((opts.windowMs ?? 10) * pcm.sampleRate) / 1000);
  const levels: number[] = [];
  for (let i = 0; i + win <= pcm.samples.length; i += step) levels.push(goertzel(pcm.samples, pcm.sampleRate, hz, i, i + win));
  const max = Math.max(0, ...levels);
  const onsets: number[] = [];
  let quietSteps = Infinity;
  const needQuiet = (opts.minGapMs ?? 200) / (opts.stepMs ?? 1);
  levels.forEach((level, i) => {
    if (level >= max / 2) {
      // The window's centre is where half the window holds the tone: that is the onset.
      if (quietSteps >= needQuiet) onsets.push((i * step + win / 2) / pcm.sampleRate);
      quietSteps = 0;
    } else quietSteps++;
  });
  return onsets;
}

/**
 * Share (0..1) of `windowMs` windows in which the `hz` tone reaches `minAmplitude`: 1 for a steady tone,
 * lower when audio drops out (a starved machine makes Chromium's playback underrun for 100-200 ms at a time).
 */
export function toneCoverage(pcm: Pcm, hz: number, opts: { windowMs?: number; minAmplitude?: number } = {}): number {
  const win = Math.round(((opts.windowMs ?? 100) * pcm.sampleRate) / 1000);
  const min = opts.minAmplitude ?? 0.1;
  let windows = 0;
  let toned = 0;
  for (let i = 0; i + win <= pcm.samples.length; i += win) {
    windows++;
    if (hannGoertzel(pcm.samples, pcm.sampleRate, hz, i, i + win) >= min) toned++;
  }
  return windows ? toned / windows : 0;
}

/** The part of a decoded signal between two times (seconds from its start). */
export function slicePcm(pcm: Pcm, fromSec: number, toSec = pcm.samples.length / pcm.sampleRate): Pcm {
  const at = (t: number) => Math.max(0, Math.min(pcm.samples.length, Math.round(t * pcm.sampleRate)));
  return { samples: pcm.samples.subarray(at(fromSec), at(toSec)), sampleRate: pcm.sampleRate };
}
