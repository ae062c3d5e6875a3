// Signal generators for tests: sine tones, sums of tones, silence and concatenation as PCM clips.
import type { PcmClip } from './audio-analysis.ts';

export interface SignalFormat {
  /** Default 48 000 Hz (Discord). */
  sampleRate?: number;
  /** 1 or 2; default 2 (Discord). */
  channels?: number;
}

export interface ToneOptions extends SignalFormat {
  /** Peak amplitude relative to full scale; default -12 dBFS. */
  amplitudeDbfs?: number;
  /** Starting phase in radians; default 0. */
  phase?: number;
}

export interface ToneSpec {
  freqHz: number;
  amplitudeDbfs?: number;
}

const FULL_SCALE = 32767;

function framesFor(ms: number, sampleRate: number): number {
  return Math.round((ms * sampleRate) / 1000);
}

/** Sum of sines (each at its own amplitude), clipped to s16, identical on every channel. */
export function toneSum(specs: ToneSpec[], ms: number, options: ToneOptions = {}): PcmClip {
  const sampleRate = options.sampleRate ?? 48_000;
  const channels = options.channels ?? 2;
  const frames = framesFor(ms, sampleRate);
  const samples = new Int16Array(frames * channels);
  const amps = specs.map((s) => 10 ** ((s.amplitudeDbfs ?? options.amplitudeDbfs ?? -12) / 20));
  for (let i = 0; i < frames; i++) {
    let v = 0;
    specs.forEach((s, k) => {
      v += (amps[k] ?? 0) * Math.sin((2 * Math.PI * s.freqHz * i) / sampleRate + (options.phase ?? 0));
    });
    const sample = Math.max(-32768, Math.min(FULL_SCALE, Math.round(v * FULL_SCALE)));
    for (let c = 0; c < channels; c++) samples[i * channels + c] = sample;
  }
  return { samples, sampleRate, channels };
}

/** A sine tone at freqHz lasting ms. */
export function tone(freqHz: number, ms: number, options: ToneOptions = {}): PcmClip {
  return toneSum([{ freqHz }], ms, options);
}

/** Digital silence lasting ms. */
export function silence(ms: number, options: SignalFormat = {}): PcmClip {
  const sampleRate = options.sampleRate ?? 48_000;
  const channels = options.channels ?? 2;
  return { samples: new Int16Array(framesFor(ms, sampleRate) * channels), sampleRate, channels };
}

/** Clips one after the other; all must share a format. */
export function concat(...clips: PcmClip[]): PcmClip {
  const first = clips[0];
  if (!first) throw new Error('concat needs at least one clip');
  for (const c of clips) {
    if (c.sampleRate !== first.sampleRate || c.channels !== first.channels) {
      throw new Error('concat: clips differ in format');
    }
  }
  return {
    samples: concatSamples(clips.map((c) => c.samples)),
    sampleRate: first.sampleRate,
    channels: first.channels,
  };
}

/** The parts one after the other, in one new array. */
export function concatSamples(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** What Gemini sends: a tone as 24 kHz mono samples. */
export function geminiAnswer(freqHz: number, ms: number): Int16Array {
  return tone(freqHz, ms, { sampleRate: 24_000, channels: 1 }).samples;
}
