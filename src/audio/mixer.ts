// Uplink mixer: saturating sum of N speakers' 16 kHz mono frames with a gain per speaker.
import { BotError } from '../errors.ts';
import { GEMINI_INPUT_FRAME_SAMPLES, toInt16 } from './pcm.ts';

/**
 * Sums one frame per speaker into one frame. With unit gains the sum is exact integer arithmetic
 * (a Float64 accumulator holds any sum of 16 or more int16 values exactly) and is clamped to
 * [−32768, 32767] instead of wrapping; with other gains each sample is rounded once, after the sum.
 * Allocates only the output, and not even that when the caller passes `out`.
 */
export class Mixer {
  readonly frameSamples: number;
  readonly #acc: Float64Array;

  constructor(frameSamples: number = GEMINI_INPUT_FRAME_SAMPLES) {
    this.frameSamples = frameSamples;
    this.#acc = new Float64Array(frameSamples);
  }

  /**
   * `inputs[s]` is speaker s's frame; one shorter than the frame counts as silence after its end.
   * `gains[s]` (linear, default 1) scales speaker s. Returns `out` (silence when `inputs` is empty).
   */
  mix(
    inputs: readonly Int16Array[],
    gains?: readonly number[],
    out: Int16Array = new Int16Array(this.frameSamples),
  ): Int16Array {
    const frame = this.frameSamples;
    if (out.length !== frame) {
      throw new BotError('AUDIO_FRAME_SIZE', `mixer output holds ${out.length} samples, expected ${frame}`);
    }
    const acc = this.#acc;
    acc.fill(0);
    for (let s = 0; s < inputs.length; s++) {
      const input = inputs[s]!;
      const gain = gains?.[s] ?? 1;
      if (!Number.isFinite(gain) || gain < 0) {
        throw new BotError('AUDIO_BAD_GAIN', `speaker gain must be a finite number >= 0, got ${gain}`);
      }
      if (input.length > frame) {
        throw new BotError(
          'AUDIO_FRAME_SIZE',
          `mixer input holds ${input.length} samples, expected <= ${frame}`,
        );
      }
      if (gain === 1) for (let i = 0; i < input.length; i++) acc[i] = acc[i]! + input[i]!;
      else if (gain !== 0) for (let i = 0; i < input.length; i++) acc[i] = acc[i]! + input[i]! * gain;
    }
    for (let i = 0; i < frame; i++) {
      out[i] = toInt16(acc[i]!);
    }
    return out;
  }
}
