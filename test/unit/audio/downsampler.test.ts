import { describe, expect, it } from 'vitest';
import { Downsampler48kStereoTo16kMono } from '../../../src/audio/downsampler.ts';
import { interleave, processInChunks, speechLike, tone, toneDbfs } from '../../helpers/signal-tools.ts';

const IN_RATE = 48_000;
const OUT_RATE = 16_000;
/** 0.3 s in; the last 0.1 s of output (whole cycles of any multiple of 10 Hz) is measured. */
const INPUT_FRAMES = 14_400;
const WINDOW = 1_600;

function downsampleTone(
  freqHz: number,
  left: boolean,
  right: boolean,
): { out: Int16Array; inputDbfs: number } {
  const mono = tone(freqHz, IN_RATE, INPUT_FRAMES, -6);
  const silent = new Int16Array(INPUT_FRAMES);
  const out = new Downsampler48kStereoTo16kMono().process(
    interleave(left ? mono : silent, right ? mono : silent),
  );
  return { out, inputDbfs: toneDbfs(mono.subarray(INPUT_FRAMES - 3 * WINDOW), freqHz, IN_RATE) };
}

function tail(samples: Int16Array): Int16Array {
  return samples.subarray(samples.length - WINDOW);
}

describe('Downsampler48kStereoTo16kMono', () => {
  it('GIVEN tones from 100 Hz to 6 kHz THEN each comes out within ±0.5 dB', () => {
    const gains: number[] = [];
    for (const f of [100, 200, 300, 500, 1000, 2000, 3000, 4000, 5000, 5500, 6000]) {
      const { out, inputDbfs } = downsampleTone(f, true, true);
      gains.push(toneDbfs(tail(out), f, OUT_RATE) - inputDbfs);
    }
    expect(Math.max(...gains.map(Math.abs))).toBeLessThanOrEqual(0.5);
    // Measured: within ±0.01 dB; a regression to a cruder filter shows up here before the issue limit.
    expect(Math.max(...gains.map(Math.abs))).toBeLessThanOrEqual(0.05);
  });

  it('GIVEN a 10 kHz and a 12 kHz tone at -6 dBFS THEN what folds back is at or below -76 dBFS', () => {
    // 10 kHz folds to 6 kHz and 12 kHz to 4 kHz at a 16 kHz output rate.
    for (const [f, alias] of [
      [10_000, 6_000],
      [12_000, 4_000],
    ] as const) {
      const { out } = downsampleTone(f, true, true);
      const aliasDbfs = toneDbfs(tail(out), alias, OUT_RATE);
      expect(aliasDbfs).toBeLessThanOrEqual(-76);
      // Everything in the output, not only the alias bin, stays far down: peak below -70 dBFS (10 LSB).
      expect(Math.max(...tail(out).map(Math.abs))).toBeLessThanOrEqual(10);
    }
  });

  it('GIVEN a tone only on the left or only on the right THEN the mono output carries it at half amplitude, identically', () => {
    const leftOnly = downsampleTone(1000, true, false);
    const rightOnly = downsampleTone(1000, false, true);
    const level = toneDbfs(tail(leftOnly.out), 1000, OUT_RATE) - leftOnly.inputDbfs;
    expect(level).toBeGreaterThan(-6.02 - 0.1);
    expect(level).toBeLessThan(-6.02 + 0.1);
    expect(rightOnly.out).toEqual(leftOnly.out);
  });

  it.each([1, 7, 160, 333, 960])(
    'GIVEN chunks of %i values THEN output is bit-identical to one shot',
    (chunk) => {
      const mono = speechLike(IN_RATE, 9_600, 3);
      const stereo = interleave(mono, speechLike(IN_RATE, 9_600, 4));
      const oneShot = new Downsampler48kStereoTo16kMono().process(stereo);
      const chunked = new Downsampler48kStereoTo16kMono();
      expect(processInChunks((c) => chunked.process(c), stereo, chunk)).toEqual(oneShot);
      expect(oneShot.length).toBe(3_200);
    },
  );

  it('GIVEN a reset THEN the next signal comes out as from a fresh instance', () => {
    const signal = interleave(speechLike(IN_RATE, 960, 5), speechLike(IN_RATE, 960, 6));
    const used = new Downsampler48kStereoTo16kMono();
    used.process(speechLike(IN_RATE, 1_001, 7));
    used.reset();
    expect(used.process(signal)).toEqual(new Downsampler48kStereoTo16kMono().process(signal));
  });

  it('GIVEN a full-scale 100 Hz square wave THEN filter overshoot saturates at the rails instead of wrapping', () => {
    // 240 frames per half period, the same on both channels.
    const frames = 9_600;
    const square = new Int16Array(frames * 2).map((_, i) =>
      Math.floor(i / 2 / 240) % 2 === 0 ? 32_767 : -32_768,
    );
    const out = new Downsampler48kStereoTo16kMono().process(square);
    const delay = Downsampler48kStereoTo16kMono.LATENCY_OUTPUT_SAMPLES;
    let clamped = 0;
    for (let j = delay + 2; j < out.length; j++) {
      const halfPeriod = (j - delay) / 80;
      // Two output samples around each edge are the transition itself; everywhere else the sign is fixed.
      if (Math.abs(halfPeriod - Math.round(halfPeriod)) * 80 < 2) continue;
      expect(Math.sign(out[j]!)).toBe(Math.floor(halfPeriod) % 2 === 0 ? 1 : -1);
      if (out[j] === 32_767 || out[j] === -32_768) clamped++;
    }
    expect(clamped).toBeGreaterThan(100);
  });
});
