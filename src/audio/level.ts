// Level meter: RMS and peak in dBFS and a silence test, for int16 PCM.

/** 0 dBFS is an int16 magnitude of 32768 (a full-scale square wave has 0 dBFS RMS; a sine −3 dBFS). */
const FULL_SCALE = 32_768;

/**
 * Speech at a normal distance reads about −20 to −35 dBFS RMS; a quiet room with a desk microphone
 * −55 to −70. −50 dBFS separates the two with margin.
 */
export const DEFAULT_SILENCE_THRESHOLD_DBFS = -50;

/** Root-mean-square level in dBFS; −Infinity for empty or all-zero input. */
export function rmsDbfs(samples: Int16Array): number {
  if (samples.length === 0) return Number.NEGATIVE_INFINITY;
  let sumSquares = 0;
  for (let i = 0; i < samples.length; i++) sumSquares += samples[i]! * samples[i]!;
  return 20 * Math.log10(Math.sqrt(sumSquares / samples.length) / FULL_SCALE);
}

/** Largest magnitude in dBFS; −Infinity for empty or all-zero input. */
export function peakDbfs(samples: Int16Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const magnitude = Math.abs(samples[i]!);
    if (magnitude > peak) peak = magnitude;
  }
  return 20 * Math.log10(peak / FULL_SCALE);
}

/** True when the RMS level is below `thresholdDbfs`. */
export function isSilent(
  samples: Int16Array,
  thresholdDbfs: number = DEFAULT_SILENCE_THRESHOLD_DBFS,
): boolean {
  return rmsDbfs(samples) < thresholdDbfs;
}
