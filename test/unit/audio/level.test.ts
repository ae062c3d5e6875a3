import { describe, expect, it } from 'vitest';
import { isSilent, peakDbfs, rmsDbfs } from '../../../src/audio/level.ts';
import { prng, tone } from '../../helpers/signal-tools.ts';

describe('level meter', () => {
  it('GIVEN a full-scale square wave THEN RMS and peak read 0 dBFS', () => {
    const square = new Int16Array(320).map((_, i) => (i % 2 === 0 ? -32_768 : 32_767));
    expect(rmsDbfs(square)).toBeCloseTo(0, 3);
    expect(peakDbfs(square)).toBeCloseTo(0, 6);
  });

  it('GIVEN a sine at -6 dBFS peak THEN RMS reads -9 dBFS and peak -6 dBFS', () => {
    const sine = tone(1000, 16_000, 1_600, -6);
    expect(rmsDbfs(sine)).toBeCloseTo(-9.01, 1);
    expect(peakDbfs(sine)).toBeCloseTo(-6, 1);
  });

  it('GIVEN digital silence or nothing THEN levels are -Infinity and it is silent', () => {
    expect(rmsDbfs(new Int16Array(320))).toBe(Number.NEGATIVE_INFINITY);
    expect(peakDbfs(new Int16Array(0))).toBe(Number.NEGATIVE_INFINITY);
    expect(isSilent(new Int16Array(320))).toBe(true);
  });

  it('GIVEN room noise at -60 dBFS and speech at -30 dBFS THEN only the noise is silent', () => {
    const random = prng(1);
    const noise = new Int16Array(320).map(() => Math.round((random() * 2 - 1) * 57));
    expect(rmsDbfs(noise)).toBeLessThan(-58);
    expect(isSilent(noise)).toBe(true);
    expect(isSilent(tone(300, 16_000, 320, -27))).toBe(false);
    expect(isSilent(tone(300, 16_000, 320, -27), -20)).toBe(true);
  });
});
