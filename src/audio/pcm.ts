// PCM shapes and rates of the audio path: Discord 48 kHz stereo, Gemini 16 kHz in / 24 kHz out.

/** Discord voice: Opus always decodes to and encodes from 48 kHz, 2 channels. */
export const DISCORD_SAMPLE_RATE_HZ = 48_000;
export const DISCORD_CHANNELS = 2;
/** Gemini Live input: `audio/pcm;rate=16000`, mono. */
export const GEMINI_INPUT_RATE_HZ = 16_000;
/** Gemini Live output: 24 kHz mono. */
export const GEMINI_OUTPUT_RATE_HZ = 24_000;
/** One Discord voice frame (one Opus packet) is 20 ms. */
export const FRAME_MS = 20;

/** Samples per channel in one 20 ms frame at 48 kHz (960). */
export const DISCORD_FRAME_SAMPLES_PER_CHANNEL = (DISCORD_SAMPLE_RATE_HZ * FRAME_MS) / 1000;
/** Int16 values in one interleaved 20 ms stereo frame at 48 kHz (1920). */
export const DISCORD_FRAME_SAMPLES = DISCORD_FRAME_SAMPLES_PER_CHANNEL * DISCORD_CHANNELS;
/** Samples in one 20 ms mono frame at 16 kHz (320). */
export const GEMINI_INPUT_FRAME_SAMPLES = (GEMINI_INPUT_RATE_HZ * FRAME_MS) / 1000;
/** Samples in one 20 ms mono frame at 24 kHz (480). */
export const GEMINI_OUTPUT_FRAME_SAMPLES = (GEMINI_OUTPUT_RATE_HZ * FRAME_MS) / 1000;

/** Largest and smallest signed 16-bit sample: sums are clamped here instead of wrapping. */
export const INT16_MAX = 32_767;
export const INT16_MIN = -32_768;

/** A block of signed 16-bit PCM; stereo is interleaved L,R,L,R. */
export interface PcmFrame {
  samples: Int16Array;
  sampleRate: number;
  channels: number;
}

/** Samples per channel in `ms` milliseconds at `rateHz` (e.g. 40 ms at 16 kHz = 640). */
export function samplesFor(ms: number, rateHz: number): number {
  return Math.round((ms * rateHz) / 1000);
}

/** Rounds and clamps a real-valued sample to int16 so overshoot saturates rather than wraps. */
export function toInt16(value: number): number {
  const rounded = Math.round(value);
  if (rounded > INT16_MAX) return INT16_MAX;
  if (rounded < INT16_MIN) return INT16_MIN;
  return rounded;
}
