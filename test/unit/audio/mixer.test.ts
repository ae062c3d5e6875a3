import { describe, expect, it } from 'vitest';
import { Mixer } from '../../../src/audio/mixer.ts';
import { GEMINI_INPUT_FRAME_SAMPLES } from '../../../src/audio/pcm.ts';
import { prng } from '../../helpers/signal-tools.ts';

const FRAME = GEMINI_INPUT_FRAME_SAMPLES;

function randomFrame(random: () => number, maxMagnitude: number): Int16Array {
  return new Int16Array(FRAME).map(() => Math.round((random() * 2 - 1) * maxMagnitude));
}

describe('Mixer', () => {
  it.each(Array.from({ length: 16 }, (_, i) => i + 1))(
    'GIVEN %i speakers whose sum cannot clip THEN the mix is their exact sum',
    (speakers) => {
      const random = prng(speakers);
      const inputs = Array.from({ length: speakers }, () =>
        randomFrame(random, Math.floor(32_767 / speakers)),
      );
      const out = new Mixer().mix(inputs);
      for (let i = 0; i < FRAME; i++) {
        let sum = 0;
        for (const input of inputs) sum += input[i]!;
        expect(out[i]).toBe(sum);
      }
    },
  );

  it('GIVEN loud speakers in phase THEN the mix saturates at 32767 and -32768 instead of wrapping', () => {
    const loud = new Int16Array(FRAME).map((_, i) => (i % 2 === 0 ? 30_000 : -30_000));
    const out = new Mixer().mix([loud, loud, loud]);
    expect(Array.from(out.subarray(0, 4))).toEqual([32_767, -32_768, 32_767, -32_768]);
    const extremes = new Int16Array(FRAME).fill(-32_768);
    expect(new Mixer().mix(Array.from({ length: 16 }, () => extremes)).every((v) => v === -32_768)).toBe(
      true,
    );
  });

  it('GIVEN a sum that clips at some samples only THEN the other samples stay exact', () => {
    const a = new Int16Array(FRAME).fill(20_000);
    const b = new Int16Array(FRAME).map((_, i) => (i < 10 ? 20_000 : -123));
    const out = new Mixer().mix([a, b]);
    expect(out[0]).toBe(32_767);
    expect(out[10]).toBe(19_877);
  });

  it('GIVEN nobody speaking THEN the mix is silence', () => {
    expect(new Mixer().mix([]).every((v) => v === 0)).toBe(true);
    const silent = new Int16Array(FRAME);
    expect(new Mixer().mix([silent, silent, silent]).every((v) => v === 0)).toBe(true);
  });

  it('GIVEN per-speaker gains THEN each speaker is scaled before the sum and rounded once', () => {
    const a = new Int16Array(FRAME).fill(1_001);
    const b = new Int16Array(FRAME).fill(3);
    const out = new Mixer().mix([a, b], [0.5, 0.5]);
    expect(out[0]).toBe(502);
    expect(new Mixer().mix([a, b], [0, 1])[0]).toBe(3);
  });

  it('GIVEN a short frame THEN it is silence after its end', () => {
    const full = new Int16Array(FRAME).fill(7);
    const short = new Int16Array(10).fill(5);
    const out = new Mixer().mix([full, short]);
    expect(out[9]).toBe(12);
    expect(out[10]).toBe(7);
  });

  it('GIVEN an output buffer THEN the mix is written into it and the same buffer is returned', () => {
    const out = new Int16Array(FRAME).fill(99);
    const mixer = new Mixer();
    expect(mixer.mix([new Int16Array(FRAME).fill(4)], undefined, out)).toBe(out);
    expect(out.every((v) => v === 4)).toBe(true);
    expect(mixer.mix([], undefined, out).every((v) => v === 0)).toBe(true);
  });

  it('GIVEN a bad gain or a wrong size THEN it throws a coded error', () => {
    const frame = new Int16Array(FRAME);
    expect(() => new Mixer().mix([frame], [Number.NaN])).toThrow(
      expect.objectContaining({ code: 'AUDIO_BAD_GAIN' }),
    );
    expect(() => new Mixer().mix([frame], [-1])).toThrow(expect.objectContaining({ code: 'AUDIO_BAD_GAIN' }));
    expect(() => new Mixer().mix([new Int16Array(FRAME + 1)])).toThrow(
      expect.objectContaining({ code: 'AUDIO_FRAME_SIZE' }),
    );
    expect(() => new Mixer().mix([], undefined, new Int16Array(1))).toThrow(
      expect.objectContaining({ code: 'AUDIO_FRAME_SIZE' }),
    );
  });
});
