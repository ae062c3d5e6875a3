// The demo's voices: sentences spoken by espeak-ng when it is installed, otherwise clearly synthetic tones.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readWav, type WavClip } from './wav.ts';

const run = promisify(execFile);

/** Who speaks: each person (and Gemini) has an espeak-ng voice and, without it, a tone of its own. */
export interface VoiceSpec {
  /** espeak-ng voice, e.g. en-us+f3. */
  espeakVoice: string;
  /** Fundamental (Hz) of the synthetic stand-in, distinct per speaker so each is recognisable. */
  toneHz: number;
}

export const VOICES = {
  alice: { espeakVoice: 'en-us+f3', toneHz: 300 },
  bob: { espeakVoice: 'en-us+m3', toneHz: 500 },
  gemini: { espeakVoice: 'en-gb+f4', toneHz: 660 },
} as const satisfies Record<string, VoiceSpec>;

export type VoiceKind = 'espeak-ng' | 'tones';

export interface Synth {
  readonly kind: VoiceKind;
  /** How the resampling to the target rate was done, for the banner. */
  readonly resampler: 'sox' | 'linear interpolation' | 'none';
  /** Mono PCM16 of `text` spoken by `voice`, at `sampleRate` Hz. */
  say(voice: VoiceSpec, text: string, sampleRate: number): Promise<WavClip>;
  dispose(): Promise<void>;
}

/** espeak-ng at 190 words per minute: one sentence is about 2 s. */
const WORDS_PER_MINUTE = 190;
/** Stand-in speech length: about what espeak-ng needs per character at that rate (ms). */
const TONE_MS_PER_CHAR = 62;
/** Stand-in syllable rate (Hz): the tone is amplitude-modulated so it sounds and looks like speech turns. */
const SYLLABLE_HZ = 4;
/** Stand-in peak level, about -12 dBFS. */
const TONE_PEAK = 0.25;

async function has(command: string): Promise<boolean> {
  try {
    await run(command, ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** espeak-ng when present (`prefer: 'tones'` forces the stand-ins); sox resamples when present. */
export async function createSynth(prefer: 'auto' | 'tones' = 'auto'): Promise<Synth> {
  if (prefer === 'auto' && (await has('espeak-ng'))) {
    const useSox = await has('sox');
    const dir = await mkdtemp(join(tmpdir(), 'demo-voices-'));
    let n = 0;
    return {
      kind: 'espeak-ng',
      resampler: useSox ? 'sox' : 'linear interpolation',
      async say(voice, text, sampleRate) {
        const raw = join(dir, `say-${++n}.wav`);
        await run('espeak-ng', ['-v', voice.espeakVoice, '-s', String(WORDS_PER_MINUTE), '-w', raw, text]);
        if (useSox) {
          const resampled = join(dir, `say-${n}-${sampleRate}.wav`);
          await run('sox', [raw, '-r', String(sampleRate), '-c', '1', '-b', '16', resampled]);
          return readWav(resampled);
        }
        return resampleLinear(await readWav(raw), sampleRate);
      },
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  return {
    kind: 'tones',
    resampler: 'none',
    say: async (voice, text, sampleRate) =>
      syntheticSpeech(voice.toneHz, text.length * TONE_MS_PER_CHAR, sampleRate),
    dispose: async () => {},
  };
}

/**
 * A tone with its second harmonic, switched on and off at the syllable rate (raised-cosine bursts
 * with short gaps), so it is plainly synthetic yet has a speech-like envelope to recognise later.
 */
export function syntheticSpeech(freqHz: number, ms: number, sampleRate: number): WavClip {
  const frames = Math.round((ms * sampleRate) / 1000);
  const samples = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    const t = i / sampleRate;
    const syllable = Math.max(0, Math.sin(Math.PI * SYLLABLE_HZ * t)) ** 2;
    // Every third syllable is softer, so envelopes of different sentences differ.
    const accent = Math.floor(t * SYLLABLE_HZ) % 3 === 2 ? 0.5 : 1;
    const wave = Math.sin(2 * Math.PI * freqHz * t) + 0.4 * Math.sin(4 * Math.PI * freqHz * t);
    samples[i] = Math.round((TONE_PEAK / 1.4) * accent * syllable * wave * 32767);
  }
  return { samples, sampleRate, channels: 1 };
}

/** Mono resampling by linear interpolation (used only when sox is absent; fine for listening). */
export function resampleLinear(clip: WavClip, sampleRate: number): WavClip {
  if (clip.sampleRate === sampleRate) return clip;
  const ratio = clip.sampleRate / sampleRate;
  const out = new Int16Array(Math.floor(clip.samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const x = i * ratio;
    const k = Math.floor(x);
    const a = clip.samples[k] ?? 0;
    const b = clip.samples[k + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (x - k));
  }
  return { samples: out, sampleRate, channels: 1 };
}
