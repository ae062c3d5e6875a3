// Audio analysis for test assertions: levels, frequencies, onsets and silences of s16 PCM clips.

/** Interleaved signed 16-bit PCM with its format. */
export interface PcmClip {
  samples: Int16Array;
  sampleRate: number;
  channels: number;
}

/** A time window inside a clip, in ms from its start; both ends optional. */
export interface Region {
  startMs?: number;
  endMs?: number;
}

export interface LevelOptions extends Region {
  /** Frames below this level count as silence (default -50 dBFS). */
  thresholdDbfs?: number;
  /** Analysis frame length (default 10 ms). */
  frameMs?: number;
}

const FULL_SCALE = 32768;
const MIN_DBFS = -120;

/** Frames per channel in the clip. */
export function frameCount(clip: PcmClip): number {
  return Math.floor(clip.samples.length / clip.channels);
}

/** Duration of the clip in ms. */
export function durationMs(clip: PcmClip): number {
  return (frameCount(clip) / clip.sampleRate) * 1000;
}

/** The region as a mono float signal in [-1, 1) (channels averaged). */
export function monoFloat(clip: PcmClip, region: Region = {}): Float64Array {
  const total = frameCount(clip);
  const start = Math.max(0, Math.floor(((region.startMs ?? 0) * clip.sampleRate) / 1000));
  const end = Math.min(
    total,
    Math.ceil(((region.endMs ?? Number.POSITIVE_INFINITY) * clip.sampleRate) / 1000),
  );
  const out = new Float64Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < clip.channels; c++) sum += clip.samples[(start + i) * clip.channels + c] ?? 0;
    out[i] = sum / clip.channels / FULL_SCALE;
  }
  return out;
}

/** Converts a linear amplitude (1 = full scale) to dBFS, floored at -120. */
export function toDbfs(linear: number): number {
  return linear <= 0 ? MIN_DBFS : Math.max(MIN_DBFS, 20 * Math.log10(linear));
}

/** RMS of the region, linear (a full-scale square wave is 1, a full-scale sine 0.707). */
export function rms(clip: PcmClip, region: Region = {}): number {
  const x = monoFloat(clip, region);
  if (x.length === 0) return 0;
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum / x.length);
}

/** RMS level in dBFS relative to a full-scale sine (a full-scale sine reads 0 dBFS). */
export function rmsDbfs(clip: PcmClip, region: Region = {}): number {
  return toDbfs(rms(clip, region) * Math.SQRT2);
}

/**
 * Amplitude (linear, 1 = full scale) of the sinusoidal component at freqHz, from a Hann-windowed
 * Goertzel filter over the region. A tone of amplitude A reads A whether or not it is bin-aligned.
 */
export function goertzelAmplitude(clip: PcmClip, freqHz: number, region: Region = {}): number {
  const x = monoFloat(clip, region);
  const n = x.length;
  if (n < 2) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * freqHz) / clip.sampleRate);
  let s1 = 0;
  let s2 = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    windowSum += w;
    const s0 = (x[i] ?? 0) * w + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / windowSum;
}

/** Goertzel power (amplitude squared) at freqHz over the region. */
export function goertzelPower(clip: PcmClip, freqHz: number, region: Region = {}): number {
  return goertzelAmplitude(clip, freqHz, region) ** 2;
}

/** Level of the component at freqHz in dBFS (a full-scale sine at that frequency reads 0). */
export function levelAtDbfs(clip: PcmClip, freqHz: number, region: Region = {}): number {
  return toDbfs(goertzelAmplitude(clip, freqHz, region));
}

/** In-place radix-2 FFT; re/im lengths must be the same power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] ?? 0, re[i] ?? 0];
      [im[i], im[j]] = [im[j] ?? 0, im[i] ?? 0];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const tr = (re[b] ?? 0) * wr - (im[b] ?? 0) * wi;
        const ti = (re[b] ?? 0) * wi + (im[b] ?? 0) * wr;
        re[b] = (re[a] ?? 0) - tr;
        im[b] = (im[a] ?? 0) - ti;
        re[a] = (re[a] ?? 0) + tr;
        im[a] = (im[a] ?? 0) + ti;
      }
    }
  }
}

export interface DominantOptions extends Region {
  minHz?: number;
  maxHz?: number;
}

/** Frequency (Hz) of the strongest spectral peak in the region; 0 for an empty region. */
export function dominantFrequency(clip: PcmClip, options: DominantOptions = {}): number {
  let x = monoFloat(clip, options);
  const maxLen = 1 << 16;
  if (x.length > maxLen) x = x.subarray((x.length - maxLen) >> 1, ((x.length - maxLen) >> 1) + maxLen);
  if (x.length < 16) return 0;
  let n = 1;
  while (n < x.length) n <<= 1;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < x.length; i++)
    re[i] = (x[i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (x.length - 1)));
  fft(re, im);
  const binHz = clip.sampleRate / n;
  const lo = Math.max(1, Math.floor((options.minHz ?? 20) / binHz));
  const hi = Math.min(n / 2 - 2, Math.ceil((options.maxHz ?? clip.sampleRate / 2) / binHz));
  const mag = (k: number): number => Math.hypot(re[k] ?? 0, im[k] ?? 0);
  let best = lo;
  for (let k = lo; k <= hi; k++) if (mag(k) > mag(best)) best = k;
  // Parabolic interpolation on log magnitudes refines the peak below one bin.
  const a = Math.log(mag(best - 1) + 1e-12);
  const b = Math.log(mag(best) + 1e-12);
  const c = Math.log(mag(best + 1) + 1e-12);
  const denom = a - 2 * b + c;
  const shift = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
  return (best + shift) * binHz;
}

/** RMS level (dBFS) of consecutive frames of frameMs over the region. */
export function frameLevelsDbfs(clip: PcmClip, options: LevelOptions = {}): number[] {
  const frameMs = options.frameMs ?? 10;
  const x = monoFloat(clip, options);
  const size = Math.max(1, Math.round((frameMs * clip.sampleRate) / 1000));
  const levels: number[] = [];
  for (let start = 0; start + size <= x.length; start += size) {
    let sum = 0;
    for (let i = start; i < start + size; i++) sum += (x[i] ?? 0) ** 2;
    levels.push(toDbfs(Math.sqrt(sum / size) * Math.SQRT2));
  }
  return levels;
}

/** Time (ms from clip start) of the first frame above the threshold, or null if none. */
export function onsetMs(clip: PcmClip, options: LevelOptions = {}): number | null {
  const frameMs = options.frameMs ?? 10;
  const index = frameLevelsDbfs(clip, options).findIndex((l) => l > (options.thresholdDbfs ?? -50));
  return index < 0 ? null : (options.startMs ?? 0) + index * frameMs;
}

/** Time (ms from clip start) of the end of the last frame above the threshold, or null if none. */
export function offsetMs(clip: PcmClip, options: LevelOptions = {}): number | null {
  const frameMs = options.frameMs ?? 10;
  const levels = frameLevelsDbfs(clip, options);
  let last = -1;
  levels.forEach((l, i) => {
    if (l > (options.thresholdDbfs ?? -50)) last = i;
  });
  return last < 0 ? null : (options.startMs ?? 0) + (last + 1) * frameMs;
}

/** True when every frame of the region is at or below the threshold. */
export function isSilent(clip: PcmClip, options: LevelOptions = {}): boolean {
  return onsetMs(clip, options) === null;
}

/** Silent stretches [startMs, endMs) of at least minMs (default 0) inside the region. */
export function silenceRegions(
  clip: PcmClip,
  options: LevelOptions & { minMs?: number } = {},
): Array<{ startMs: number; endMs: number }> {
  const frameMs = options.frameMs ?? 10;
  const threshold = options.thresholdDbfs ?? -50;
  const base = options.startMs ?? 0;
  const regions: Array<{ startMs: number; endMs: number }> = [];
  let runStart = -1;
  const levels = frameLevelsDbfs(clip, options);
  levels.forEach((l, i) => {
    if (l <= threshold && runStart < 0) runStart = i;
    if (l > threshold && runStart >= 0) {
      regions.push({ startMs: base + runStart * frameMs, endMs: base + i * frameMs });
      runStart = -1;
    }
  });
  if (runStart >= 0)
    regions.push({ startMs: base + runStart * frameMs, endMs: base + levels.length * frameMs });
  return regions.filter((r) => r.endMs - r.startMs >= (options.minMs ?? 0));
}

/** Longest silent stretch (ms) inside the region; 0 when the region never goes silent. */
export function longestSilenceMs(clip: PcmClip, options: LevelOptions = {}): number {
  return silenceRegions(clip, options).reduce((max, r) => Math.max(max, r.endMs - r.startMs), 0);
}
