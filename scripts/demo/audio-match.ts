// Finds a known clip inside a recording by its loudness envelope: robust to Opus, resampling and level.
import type { WavClip } from './wav.ts';

/** Envelope resolution (ms): syllables last 100–300 ms, so 10 ms frames keep their shape. */
const FRAME_MS = 10;

export interface Match {
  /** Pearson correlation (−1..1) of the envelopes at the best offset. */
  score: number;
  /** Where the clip starts in the recording (ms). */
  atMs: number;
}

/** RMS per 10 ms frame of the channel-averaged signal (linear, 1 = full scale). */
export function envelope(clip: WavClip, frameMs = FRAME_MS): Float64Array {
  const frameLength = Math.max(1, Math.round((clip.sampleRate * frameMs) / 1000));
  const frames = Math.floor(clip.samples.length / clip.channels / frameLength);
  const out = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = 0; i < frameLength; i++) {
      let v = 0;
      for (let c = 0; c < clip.channels; c++)
        v += clip.samples[(f * frameLength + i) * clip.channels + c] ?? 0;
      v /= clip.channels * 32768;
      sum += v * v;
    }
    out[f] = Math.sqrt(sum / frameLength);
  }
  return out;
}

/** The best alignment of `needle` inside `haystack` and how well their envelopes agree there. */
export function findClip(haystack: WavClip, needle: WavClip): Match {
  const h = envelope(haystack);
  const n = envelope(needle);
  let best: Match = { score: -1, atMs: 0 };
  if (n.length < 2 || h.length < n.length) return best;
  const nMean = mean(n, 0, n.length);
  let nVar = 0;
  for (const v of n) nVar += (v - nMean) ** 2;
  for (let lag = 0; lag + n.length <= h.length; lag++) {
    const hMean = mean(h, lag, n.length);
    let cov = 0;
    let hVar = 0;
    for (let i = 0; i < n.length; i++) {
      const dh = (h[lag + i] ?? 0) - hMean;
      cov += dh * ((n[i] ?? 0) - nMean);
      hVar += dh * dh;
    }
    const score = hVar > 0 && nVar > 0 ? cov / Math.sqrt(hVar * nVar) : 0;
    if (score > best.score) best = { score, atMs: lag * FRAME_MS };
  }
  return best;
}

function mean(values: Float64Array, start: number, length: number): number {
  let sum = 0;
  for (let i = start; i < start + length; i++) sum += values[i] ?? 0;
  return sum / length;
}
