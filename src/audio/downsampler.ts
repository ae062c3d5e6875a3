// Streaming 48 kHz stereo → 16 kHz mono: downmix, anti-alias FIR and decimate by 3, state kept across chunks.
import { designLowPass } from './fir-design.ts';
import { toInt16 } from './pcm.ts';

const DECIMATION = 3;
/**
 * 85 taps at 48 kHz, −6 dB at 7.5 kHz, Kaiser β 8.5: flat (±0.01 dB) to 6 kHz, ≈ −1.7 dB at 7 kHz and
 * ≥ 89 dB down from 10 kHz up, so nothing above 10 kHz folds back into the 0–6 kHz speech band. A tone
 * at 9 kHz (aliasing to 7 kHz) is ≈ 73 dB down. Delay 42 input samples = 14 output samples = 0.875 ms.
 */
const TAPS = 85;
const CUTOFF_HZ = 7_500;
const KAISER_BETA = 8.5;
const HISTORY = TAPS - 1;
const HALF = (TAPS - 1) / 2;

/**
 * Converts interleaved 48 kHz stereo to 16 kHz mono. `process` takes any number of int16 values (even
 * an odd count that splits an L,R pair) and returns what is complete; feeding a signal in pieces gives
 * output bit-identical to feeding it at once. The FIR is evaluated only at kept samples (polyphase
 * decimation) with symmetric taps folded, which halves the multiplies.
 */
export class Downsampler48kStereoTo16kMono {
  /** Group delay in 16 kHz output samples. */
  static readonly LATENCY_OUTPUT_SAMPLES = HALF / DECIMATION;

  readonly #taps: Float64Array;
  /** Mono history (HISTORY samples) followed by the current chunk. */
  #buffer: Float64Array;
  /** Mono input samples still to skip before the next output sample is due (0..2). */
  #phase = 0;
  /** A left sample whose right partner has not arrived yet. */
  #pendingLeft: number | null = null;

  constructor() {
    this.#taps = designLowPass({
      taps: TAPS,
      cutoffHz: CUTOFF_HZ,
      sampleRateHz: 48_000,
      kaiserBeta: KAISER_BETA,
    });
    this.#buffer = new Float64Array(HISTORY + 960);
  }

  process(input: Int16Array): Int16Array {
    const frames = this.#downmix(input);
    const phase = this.#phase;
    const count = phase < frames ? Math.ceil((frames - phase) / DECIMATION) : 0;
    const out = new Int16Array(count);
    const buf = this.#buffer;
    const h = this.#taps;
    let p = phase;
    for (let o = 0; o < count; o++, p += DECIMATION) {
      // Output for mono input n = p uses buf[p .. p + HISTORY] (oldest first).
      let acc = h[HALF]! * buf[p + HALF]!;
      for (let k = 0; k < HALF; k++) acc += h[k]! * (buf[p + k]! + buf[p + HISTORY - k]!);
      out[o] = toInt16(acc);
    }
    this.#phase = p - frames;
    buf.copyWithin(0, frames, frames + HISTORY);
    return out;
  }

  /** Forgets all history (e.g. a speaker's stream restarted), as if newly built. */
  reset(): void {
    this.#buffer.fill(0);
    this.#phase = 0;
    this.#pendingLeft = null;
  }

  /** Writes (L+R)/2 of each complete pair after the history; returns how many were written. */
  #downmix(input: Int16Array): number {
    let start = 0;
    let first: number | null = null;
    if (this.#pendingLeft !== null && input.length > 0) {
      first = (this.#pendingLeft + input[0]!) * 0.5;
      this.#pendingLeft = null;
      start = 1;
    }
    const pairs = (input.length - start) >> 1;
    const frames = pairs + (first === null ? 0 : 1);
    if (HISTORY + frames > this.#buffer.length) {
      const grown = new Float64Array(HISTORY + frames);
      grown.set(this.#buffer.subarray(0, HISTORY));
      this.#buffer = grown;
    }
    const buf = this.#buffer;
    let w = HISTORY;
    if (first !== null) buf[w++] = first;
    for (let i = start, end = start + 2 * pairs; i < end; i += 2)
      buf[w++] = (input[i]! + input[i + 1]!) * 0.5;
    if (start + 2 * pairs < input.length) this.#pendingLeft = input[input.length - 1]!;
    return frames;
  }
}
