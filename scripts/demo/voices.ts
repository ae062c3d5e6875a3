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
/** Stand-in word length per letter (ms), about espeak-ng's pace at that rate, and its limits. */
const TONE_MS_PER_LETTER = 55;
const MIN_WORD_MS = 120;
/** Stand-in pauses (ms) between words and after punctuation. */
const WORD_GAP_MS = 70;
const PUNCTUATION_GAP_MS = 250;
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
    say: async (voice, text, sampleRate) => syntheticSpeech(voice.toneHz, text, sampleRate),
    dispose: async () => {},
  };
}

/**
 * A tone with its second harmonic, one raised-cosine burst per word (longer words, longer bursts;
 * a pause after punctuation): plainly synthetic, yet every sentence has an envelope of its own.
 */
export function syntheticSpeech(freqHz: number, text: string, sampleRate: number): WavClip {
  const bursts: { ms: number; gapMs: number }[] = text
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((word) => ({
      ms: Math.max(MIN_WORD_MS, word.replace(/[^\p{L}\p{N}]/gu, '').length * TONE_MS_PER_LETTER),
      gapMs: /[.,!?;:]$/.test(word) ? PUNCTUATION_GAP_MS : WORD_GAP_MS,
    }));
  const total = bursts.reduce((n, b) => n + b.ms + b.gapMs, 0);
  const samples = new Int16Array(Math.round((total * sampleRate) / 1000));
  let start = 0;
  for (const burst of bursts) {
    const first = Math.round((start * sampleRate) / 1000);
    const length = Math.round((burst.ms * sampleRate) / 1000);
    for (let i = 0; i < length && first + i < samples.length; i++) {
      const t = (first + i) / sampleRate;
      const window = Math.sin((Math.PI * i) / length) ** 2;
      const wave = Math.sin(2 * Math.PI * freqHz * t) + 0.4 * Math.sin(4 * Math.PI * freqHz * t);
      samples[first + i] = Math.round((TONE_PEAK / 1.4) * window * wave * 32767);
    }
    start += burst.ms + burst.gapMs;
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
