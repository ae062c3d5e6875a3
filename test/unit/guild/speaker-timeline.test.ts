import { describe, expect, it } from 'vitest';
import { SpeakerTimeline } from '../../../src/guild/speaker-timeline.ts';

function speak(t: SpeakerTimeline, userId: string, fromMs: number, toMs: number) {
  for (let at = fromMs; at < toMs; at += 20) t.markActive([userId], at);
}

describe('SpeakerTimeline', () => {
  it('GIVEN one speaker with short pauses THEN their turn is theirs alone', () => {
    const t = new SpeakerTimeline();
    speak(t, 'alice', 0, 1000);
    speak(t, 'alice', 1300, 2000);
    expect(t.speakersBetween(0, 2000)).toEqual(['alice']);
  });

  it('GIVEN two overlapping speakers THEN both are named, the longer one first', () => {
    const t = new SpeakerTimeline();
    speak(t, 'bob', 500, 900);
    speak(t, 'alice', 0, 2000);
    expect(t.speakersBetween(0, 2000)).toEqual(['alice', 'bob']);
  });

  it('GIVEN a window nobody spoke in THEN the last speaker before it is named', () => {
    const t = new SpeakerTimeline();
    speak(t, 'alice', 0, 500);
    speak(t, 'bob', 600, 900);
    expect(t.speakersBetween(3000, 4000)).toEqual(['bob']);
    expect(t.speakersBetween(0, 200)).toEqual(['alice']);
  });

  it('GIVEN nobody audible in a window THEN audibleBetween is empty (no fallback to the last speaker)', () => {
    const t = new SpeakerTimeline();
    speak(t, 'alice', 0, 500);
    expect(t.audibleBetween(3000, 4000)).toEqual([]);
    expect(t.audibleBetween(400, 1000)).toEqual(['alice']);
  });

  it('GIVEN an hour of speech THEN old intervals are pruned', () => {
    const t = new SpeakerTimeline({ retainMs: 60_000 });
    for (let s = 0; s < 3600; s += 2) speak(t, s % 4 === 0 ? 'a' : 'b', s * 1000, s * 1000 + 500);
    // without pruning the first ten seconds would still name both speakers
    expect(t.speakersBetween(0, 10_000)).toEqual([]);
    expect(t.speakersBetween(3_590_000, 3_600_000)).toEqual(['b', 'a']);
    expect(t.lastActivityMs()).toBe(3_598_500);
  });
});
