// Synthetic test signals and tone measurement (Goertzel) shared by audio, codec tests and the bench.
import { concatSamples } from '../fakes/tones.ts';

const FULL_SCALE = 32_768;

export function dbfsToAmplitude(dbfs: number): number {
  return FULL_SCALE * 10 ** (dbfs / 20);
}

/** A sine of `amplitudeDbfs` (peak, relative to 32768) as mono int16. */
export function tone(freqHz: number, rateHz: number, samples: number, amplitudeDbfs: number): Int16Array {
  const amplitude = dbfsToAmplitude(amplitudeDbfs);
  const out = new Int16Array(samples);
  for (let n = 0; n < samples; n++)
    out[n] = Math.round(amplitude * Math.sin((2 * Math.PI * freqHz * n) / rateHz));
  return out;
}

/** Interleaves two mono signals (L, R) into stereo. */
export function interleave(left: Int16Array, right: Int16Array): Int16Array {
  const out = new Int16Array(left.length * 2);
  for (let n = 0; n < left.length; n++) {
    out[2 * n] = left[n]!;
    out[2 * n + 1] = right[n]!;
  }
  return out;
}

/** One channel of an interleaved signal. */
export function channel(interleaved: Int16Array, index: number, channels: number): Int16Array {
  const out = new Int16Array(interleaved.length / channels);
  for (let n = 0; n < out.length; n++) out[n] = interleaved[n * channels + index]!;
  return out;
}

/** Peak amplitude in dBFS of the component at `freqHz` (Goertzel); exact when the window holds whole cycles. */
export function toneDbfs(samples: Int16Array, freqHz: number, rateHz: number): number {
  const w = (2 * Math.PI * freqHz) / rateHz;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let n = 0; n < samples.length; n++) {
    const s0 = samples[n]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const re = s1 - s2 * Math.cos(w);
  const im = s2 * Math.sin(w);
  const amplitude = (2 * Math.hypot(re, im)) / samples.length;
  return 20 * Math.log10(amplitude / FULL_SCALE);
}

/** Deterministic PRNG (mulberry32) so "random" test data is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Speech-like mono int16: a gliding 90–260 Hz voice with 30 harmonics rolling off 6 dB/octave, a
 * syllable envelope at ~4 Hz with pauses, and a little noise. Different seeds give different voices.
 */
export function speechLike(rateHz: number, samples: number, seed = 1): Int16Array {
  const random = prng(seed);
  const base = 90 + 80 * random();
  const out = new Int16Array(samples);
  let phase = 0;
  for (let n = 0; n < samples; n++) {
    const t = n / rateHz;
    const f0 = base * (1 + 0.3 * Math.sin(2 * Math.PI * (0.7 + 0.2 * seed) * t));
    phase += (2 * Math.PI * f0) / rateHz;
    let voice = 0;
    for (let h = 1; h <= 30 && h * f0 < rateHz / 2; h++) voice += Math.sin(h * phase) / h;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * (3.5 + 0.3 * seed) * t));
    const envelope = syllable * syllable;
    out[n] = Math.round(5_000 * envelope * voice + 60 * (random() - 0.5));
  }
  return out;
}

/** Feeds `input` to `process` in chunks of `chunk` values and concatenates the outputs. */
export function processInChunks(
  process: (chunk: Int16Array) => Int16Array,
  input: Int16Array,
  chunk: number,
): Int16Array {
  const parts: Int16Array[] = [];
  for (let offset = 0; offset < input.length; offset += chunk) {
    parts.push(process(input.subarray(offset, offset + chunk)));
  }
  return concatSamples(parts);
}
