// Streaming 24 kHz mono → 48 kHz stereo: half-band interpolation by 2, state kept across chunks.
import { designLowPass } from './fir-design.ts';
import { toInt16 } from './pcm.ts';

/**
 * Half-band filter of 4K−1 = 71 taps at 48 kHz (Kaiser β 8.5): flat (±0.001 dB) to 10 kHz, images
 * (24 kHz − f) ≥ 85 dB down from 14 kHz up. Every other tap of a half-band filter is zero, so one output
 * phase is the input itself (delayed) and the other needs only K = 18 folded multiplies.
 * Delay 35 output samples = 0.73 ms.
 */
const K = 18;
const HALF_BAND_TAPS = 4 * K - 1;
const KAISER_BETA = 8.5;
/** Input samples of history the filtered phase reaches back over. */
const HISTORY = 2 * K - 1;

/**
 * Converts 24 kHz mono to interleaved 48 kHz stereo (both channels identical): each input sample yields
 * four int16 values. Chunked output is bit-identical to one-shot output.
 */
export class Upsampler24kMonoTo48kStereo {
  /** Group delay in 48 kHz output samples (per channel). */
  static readonly LATENCY_OUTPUT_SAMPLES = 2 * K - 1;

  /** Taps of the filtered phase, first half only (the other half mirrors it). */
  readonly #taps: Float64Array;
  /** Input history (HISTORY samples) followed by the current chunk. */
  #buffer: Float64Array;

  constructor() {
    const h = designLowPass({
      taps: HALF_BAND_TAPS,
      cutoffHz: 12_000,
      sampleRateHz: 48_000,
      kaiserBeta: KAISER_BETA,
    });
    const taps = new Float64Array(K);
    let sum = 0;
    for (let j = 0; j < K; j++) {
      taps[j] = h[2 * j]!;
      sum += 2 * h[2 * j]!;
    }
    // Unity DC gain for the filtered phase, matching the pass-through phase exactly.
    for (let j = 0; j < K; j++) taps[j] = taps[j]! / sum;
    this.#taps = taps;
    this.#buffer = new Float64Array(HISTORY + 480);
  }

  process(input: Int16Array): Int16Array {
    const n = input.length;
    if (HISTORY + n > this.#buffer.length) {
      const grown = new Float64Array(HISTORY + n);
      grown.set(this.#buffer.subarray(0, HISTORY));
      this.#buffer = grown;
    }
    const buf = this.#buffer;
    buf.set(input, HISTORY);
    const g = this.#taps;
    const out = new Int16Array(n * 4);
    for (let i = 0; i < n; i++) {
      // Newest sample is buf[i + HISTORY]; the filtered phase spans buf[i .. i + HISTORY].
      let acc = 0;
      for (let j = 0; j < K; j++) acc += g[j]! * (buf[i + HISTORY - j]! + buf[i + j]!);
      const filtered = toInt16(acc);
      const through = buf[i + K]!;
      const o = i * 4;
      out[o] = filtered;
      out[o + 1] = filtered;
      out[o + 2] = through;
      out[o + 3] = through;
    }
    buf.copyWithin(0, n, n + HISTORY);
    return out;
  }

  /** Forgets all history (e.g. after a barge-in flushed the reply), as if newly built. */
  reset(): void {
    this.#buffer.fill(0);
  }
}
