/**
 * Resamples a stream of S16LE mono PCM chunk by chunk (Attendee's realtime audio goes out at 8000, 16000 or
 * 24000 Hz; we capture at 16000). A windowed-sinc low-pass with its cut-off just under the lower Nyquist keeps
 * tones clean and stops aliasing when downsampling.
 *
 * Pure: the carry-over between chunks is an explicit value (`state`), never mutated. Passing each chunk's
 * returned state to the next makes chunk edges seamless, as if the stream were resampled whole. The price is
 * a fixed delay of the filter's half-width (`delaySec`, at most 2 ms here), which also lets each chunk give
 * exactly n * to / from samples whenever that is a whole number (any other n: the running total stays exact).
 */
export interface ResampleState {
  readonly fromRate: number;
  readonly toRate: number;
  /** Global index of the next output sample (starts negative: the delay's worth of lead-in). */
  readonly nextOut: number;
  /** Global index of `history[0]` in the input stream. */
  readonly historyStart: number;
  /** Input samples still needed by the filter's left side. */
  readonly history: Int16Array;
}

export interface ResampleResult {
  pcm: Buffer;
  state: ResampleState;
}

/** Filter half-width, counted in samples at the lower of the two rates. */
const HALF_TAPS = 16;

export function resamplePcm16(
  pcm: Buffer,
  fromRate: number,
  toRate: number,
  state?: ResampleState,
): ResampleResult {
  if (!(Number.isInteger(fromRate) && Number.isInteger(toRate) && fromRate > 0 && toRate > 0)) {
    throw new Error(`resample: bad rates ${fromRate} -> ${toRate}`);
  }
  if (state && (state.fromRate !== fromRate || state.toRate !== toRate)) {
    throw new Error('resample: state belongs to other rates');
  }
  const n = pcm.length >> 1;
  if (fromRate === toRate) {
    return { pcm: Buffer.from(pcm.subarray(0, n * 2)), state: state ?? initialState(fromRate, toRate, 0) };
  }
  const k = kernel(fromRate, toRate);
  const prev = state ?? initialState(fromRate, toRate, -k.delayOut);

  const input = new Int16Array(prev.history.length + n);
  input.set(prev.history);
  for (let i = 0; i < n; i++) input[prev.history.length + i] = pcm.readInt16LE(i * 2);
  const start = prev.historyStart;
  const end = start + input.length; // global index just past the last input sample

  // Output o sits at input position o * down / up; it is ready once its right-hand taps have arrived.
  const outs: number[] = [];
  let o = prev.nextOut;
  for (; (o + k.delayOut) * k.down < end * k.up; o++) {
    const pos = o * k.down;
    const base = Math.floor(pos / k.up);
    const phase = pos - base * k.up;
    const taps = k.weights[phase]!;
    let acc = 0;
    for (let j = 0; j < taps.length; j++) {
      const g = base + k.firstOffset[phase]! + j;
      if (g >= start) acc += input[g - start]! * taps[j]!; // before the stream began: silence
    }
    const v = Math.round(acc);
    outs.push(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
  }

  const out = Buffer.alloc(outs.length * 2);
  for (let i = 0; i < outs.length; i++) out.writeInt16LE(outs[i]!, i * 2);
  // Keep what the next output's left-hand taps will reach back to.
  const keepFrom = Math.max(start, Math.floor((o * k.down) / k.up) + k.minOffset);
  return {
    pcm: out,
    state: { fromRate, toRate, nextOut: o, historyStart: keepFrom, history: input.slice(keepFrom - start) },
  };
}

/** How far the output lags the input, in seconds. */
export function delaySec(fromRate: number, toRate: number): number {
  return fromRate === toRate ? 0 : kernel(fromRate, toRate).delayOut / toRate;
}

function initialState(fromRate: number, toRate: number, nextOut: number): ResampleState {
  return { fromRate, toRate, nextOut, historyStart: 0, history: new Int16Array(0) };
}

interface Kernel {
  up: number;
  down: number;
  /** Output samples of delay: the filter's half-width, rounded up. */
  delayOut: number;
  /** Per phase (position mod `up`): offset of the first tap from floor(position), and normalised weights. */
  firstOffset: number[];
  weights: Float64Array[];
  minOffset: number;
}

// Weights depend only on the rate pair, and phases repeat every `up` outputs: computed once per pair.
const kernels = new Map<string, Kernel>();

function kernel(fromRate: number, toRate: number): Kernel {
  const key = `${fromRate}/${toRate}`;
  let k = kernels.get(key);
  if (k) return k;
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const scale = Math.min(1, toRate / fromRate); // narrows the pass band when downsampling
  const cutoff = 0.45 * scale; // cycles per input sample: 90 % of the lower Nyquist
  const halfWidth = HALF_TAPS / scale; // in input samples
  const firstOffset: number[] = [];
  const weights: Float64Array[] = [];
  let minOffset = 0;
  for (let phase = 0; phase < up; phase++) {
    const frac = phase / up;
    const first = Math.ceil(frac - halfWidth);
    const last = Math.floor(frac + halfWidth);
    const w = new Float64Array(last - first + 1);
    let sum = 0;
    for (let j = first; j <= last; j++) {
      const d = frac - j;
      const v = sinc(2 * cutoff * d) * hann(d / halfWidth);
      w[j - first] = v;
      sum += v;
    }
    for (let i = 0; i < w.length; i++) w[i]! /= sum; // unity gain at DC
    firstOffset.push(first);
    weights.push(w);
    minOffset = Math.min(minOffset, first);
  }
  k = { up, down, delayOut: Math.ceil((halfWidth * up) / down), firstOffset, weights, minOffset };
  kernels.set(key, k);
  return k;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Hann window over [-1, 1]. */
function hann(x: number): number {
  return Math.abs(x) >= 1 ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * x);
}
