import { describe, expect, it } from 'vitest';
import { Upsampler24kMonoTo48kStereo } from '../../../src/audio/upsampler.ts';
import { channel, processInChunks, speechLike, tone, toneDbfs } from '../../helpers/signal-tools.ts';

const IN_RATE = 24_000;
const OUT_RATE = 48_000;
/** 0.2 s in; the last 0.1 s of output (whole cycles of any multiple of 10 Hz) is measured. */
const INPUT_SAMPLES = 4_800;
const WINDOW = 4_800;

function upsampleTone(freqHz: number): { left: Int16Array; right: Int16Array; inputDbfs: number } {
  const input = tone(freqHz, IN_RATE, INPUT_SAMPLES, -6);
  const out = new Upsampler24kMonoTo48kStereo().process(input);
  const left = channel(out, 0, 2);
  const right = channel(out, 1, 2);
  return {
    left: left.subarray(left.length - WINDOW),
    right: right.subarray(right.length - WINDOW),
    inputDbfs: toneDbfs(input.subarray(INPUT_SAMPLES - WINDOW / 2), freqHz, IN_RATE),
  };
}

describe('Upsampler24kMonoTo48kStereo', () => {
  it('GIVEN tones from 100 Hz to 10 kHz THEN each comes out within ±0.5 dB on identical channels', () => {
    const gains: number[] = [];
    for (const f of [100, 300, 1000, 3000, 5000, 7000, 8000, 9000, 10_000]) {
      const { left, right, inputDbfs } = upsampleTone(f);
      expect(right).toEqual(left);
      gains.push(toneDbfs(left, f, OUT_RATE) - inputDbfs);
    }
    expect(Math.max(...gains.map(Math.abs))).toBeLessThanOrEqual(0.5);
    // Measured: within ±0.01 dB.
    expect(Math.max(...gains.map(Math.abs))).toBeLessThanOrEqual(0.05);
  });

  it('GIVEN tones at -6 dBFS up to 10 kHz THEN their images (24 kHz - f) are at or below -70 dBFS', () => {
    for (const f of [1000, 5000, 8000, 10_000]) {
      const { left } = upsampleTone(f);
      expect(toneDbfs(left, OUT_RATE / 2 - f, OUT_RATE)).toBeLessThanOrEqual(-70);
    }
    // The 10 kHz image at 14 kHz has the narrowest guard band; measured ≈ -90 dBFS.
    expect(toneDbfs(upsampleTone(10_000).left, 14_000, OUT_RATE)).toBeLessThanOrEqual(-80);
  });

  it.each([1, 7, 160, 333, 960])(
    'GIVEN chunks of %i samples THEN output is bit-identical to one shot',
    (chunk) => {
      const input = speechLike(IN_RATE, 4_800, 9);
      const oneShot = new Upsampler24kMonoTo48kStereo().process(input);
      const chunked = new Upsampler24kMonoTo48kStereo();
      expect(processInChunks((c) => chunked.process(c), input, chunk)).toEqual(oneShot);
      expect(oneShot.length).toBe(4 * 4_800);
    },
  );

  it('GIVEN a reset after a barge-in THEN the next reply comes out as from a fresh instance', () => {
    const reply = speechLike(IN_RATE, 480, 10);
    const used = new Upsampler24kMonoTo48kStereo();
    used.process(speechLike(IN_RATE, 777, 11));
    used.reset();
    expect(used.process(reply)).toEqual(new Upsampler24kMonoTo48kStereo().process(reply));
  });

  it('GIVEN 24 kHz samples THEN every second output sample is the input itself, delayed', () => {
    const input = speechLike(IN_RATE, 480, 12);
    const left = channel(new Upsampler24kMonoTo48kStereo().process(input), 0, 2);
    const delay = Upsampler24kMonoTo48kStereo.LATENCY_OUTPUT_SAMPLES;
    for (let m = 0; m + delay < left.length / 2; m += 1) {
      expect(left[2 * m + delay]).toBe(input[m]);
    }
  });
});
