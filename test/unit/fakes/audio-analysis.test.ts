// Unit tests of the audio analysis helpers and signal generators used by every audio assertion.
import { describe, expect, it } from 'vitest';
import {
  dominantFrequency,
  durationMs,
  isSilent,
  levelAtDbfs,
  longestSilenceMs,
  offsetMs,
  onsetMs,
  rmsDbfs,
} from '../../fakes/audio-analysis.ts';
import { concat, silence, tone, toneSum } from '../../fakes/tones.ts';

describe('audio analysis', () => {
  it('GIVEN a 440 Hz tone THEN the dominant frequency is 440 Hz within 1 Hz', () => {
    expect(dominantFrequency(tone(440, 500))).toBeCloseTo(440, 0);
    expect(dominantFrequency(tone(1000, 300, { sampleRate: 16_000, channels: 1 }))).toBeCloseTo(1000, 0);
  });

  it('GIVEN a -12 dBFS tone THEN RMS and Goertzel levels read -12 dBFS', () => {
    const clip = tone(440, 500, { amplitudeDbfs: -12 });
    expect(rmsDbfs(clip)).toBeCloseTo(-12, 0);
    expect(levelAtDbfs(clip, 440)).toBeCloseTo(-12, 0);
    expect(levelAtDbfs(clip, 1000)).toBeLessThan(-60);
  });

  it('GIVEN two tones THEN each level is measured separately', () => {
    const clip = toneSum(
      [
        { freqHz: 300, amplitudeDbfs: -10 },
        { freqHz: 2000, amplitudeDbfs: -30 },
      ],
      500,
    );
    expect(levelAtDbfs(clip, 300)).toBeCloseTo(-10, 0);
    expect(levelAtDbfs(clip, 2000)).toBeCloseTo(-30, 0);
    expect(dominantFrequency(clip)).toBeCloseTo(300, 0);
  });

  it('GIVEN silence, tone, silence THEN onset, offset and gaps are found to 10 ms', () => {
    const clip = concat(silence(200), tone(440, 300), silence(150), tone(440, 100), silence(50));
    expect(durationMs(clip)).toBeCloseTo(800, 5);
    expect(onsetMs(clip)).toBe(200);
    expect(offsetMs(clip)).toBe(750);
    expect(longestSilenceMs(clip, { startMs: 200, endMs: 750 })).toBe(150);
    expect(isSilent(clip, { startMs: 0, endMs: 200 })).toBe(true);
    expect(isSilent(clip, { startMs: 250, endMs: 300 })).toBe(false);
  });
});
