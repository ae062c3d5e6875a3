import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/store/index.ts';
import { gateFrames, packetGapsMs } from '../../fakes/fake-discord/client-vad.ts';

/** espeak-ng sentences with comma pauses, as 20 ms frame levels (scripts/speech-gaps.ts --write). */
const SENTENCES = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'espeak-sentences.json'), 'utf8'),
) as { text: string; frameDbfs: number[] }[];

describe('client voice gate emulation', () => {
  it('GIVEN a gate open for two frames with a gap of eight THEN one 60 ms packet gap (the five silence frames are packets)', () => {
    const levels = [-20, -20, ...Array(8).fill(-90), -20];
    const open = gateFrames(levels, { thresholdDbfs: -50, hangoverMs: 0 });
    expect(open).toEqual([true, true, ...Array(8).fill(false), true]);
    expect(packetGapsMs(open)).toEqual([60]);
  });

  it('GIVEN a hangover THEN the gate stays open that long after the last loud frame', () => {
    const open = gateFrames([-20, -90, -90, -90, -90], { thresholdDbfs: -50, hangoverMs: 40 });
    expect(open).toEqual([true, true, true, false, false]);
  });

  it('GIVEN the espeak-ng sentences and no client hangover THEN every packet gap inside a sentence is shorter than the default hold', () => {
    expect(SENTENCES.length).toBeGreaterThanOrEqual(20);
    const gaps = SENTENCES.flatMap((s) =>
      packetGapsMs(gateFrames(s.frameDbfs, { thresholdDbfs: -50, hangoverMs: 0 })),
    );
    // The comma pauses do leave gaps in the packets (so the measurement means something) …
    expect(gaps.length).toBeGreaterThan(10);
    // … and each of them stays inside one turn at the default hold, with room for 150 ms of jitter.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(DEFAULT_SETTINGS.endOfTurnHoldMs - 150);
  });
});
