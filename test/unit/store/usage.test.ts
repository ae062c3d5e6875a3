import { describe, expect, it } from 'vitest';
import { useTempStore } from './temp-store.ts';

const GUILD = '111111111111111111';
const OTHER_GUILD = '333333333333333333';
const DAY_MS = 86_400_000;

describe('usage', () => {
  const t = useTempStore('2026-05-10T12:00:00Z');

  it('GIVEN no usage THEN today is all zeros for the current UTC day', () => {
    expect(t.store().usage.today(GUILD)).toEqual({
      day: '2026-05-10',
      voiceSeconds: 0,
      promptTokens: 0,
      responseTokens: 0,
      totalTokens: 0,
    });
  });

  it('GIVEN several increments THEN today holds their sums, per guild', () => {
    t.store().usage.add(GUILD, {
      voiceSeconds: 1.5,
      promptTokens: 100,
      responseTokens: 40,
      totalTokens: 140,
    });
    t.store().usage.add(GUILD, { voiceSeconds: 0.25 });
    t.store().usage.add(GUILD, { promptTokens: 10, responseTokens: 5, totalTokens: 15 });
    t.store().usage.add(OTHER_GUILD, { voiceSeconds: 99 });
    expect(t.store().usage.today(GUILD)).toEqual({
      day: '2026-05-10',
      voiceSeconds: 1.75,
      promptTokens: 110,
      responseTokens: 45,
      totalTokens: 155,
    });
    expect(t.store().usage.today(OTHER_GUILD).voiceSeconds).toBe(99);
  });

  it('GIVEN invalid increments THEN they throw STORE_INVALID_USAGE and nothing is added', () => {
    t.store().usage.add(GUILD, { voiceSeconds: 5 });
    for (const delta of [
      { voiceSeconds: -1 },
      { voiceSeconds: Number.NaN },
      { voiceSeconds: Number.POSITIVE_INFINITY },
      { promptTokens: 1.5 },
      { voiceSeconds: 3, totalTokens: -2 },
    ]) {
      expect(() => t.store().usage.add(GUILD, delta)).toThrowError(
        expect.objectContaining({ code: 'STORE_INVALID_USAGE' }),
      );
    }
    expect(t.store().usage.today(GUILD)).toMatchObject({ voiceSeconds: 5, totalTokens: 0 });
  });

  it('GIVEN usage on both sides of UTC midnight THEN each side counts on its own day', () => {
    t.clock().set(Date.parse('2026-03-01T23:59:59.000Z'));
    t.store().usage.add(GUILD, { voiceSeconds: 10, totalTokens: 1 });
    t.clock().set(Date.parse('2026-03-02T00:00:00.500Z'));
    t.store().usage.add(GUILD, { voiceSeconds: 5, totalTokens: 2 });
    expect(t.store().usage.today(GUILD)).toMatchObject({
      day: '2026-03-02',
      voiceSeconds: 5,
      totalTokens: 2,
    });
    expect(
      t
        .store()
        .usage.lastDays(GUILD, 2)
        .map((d) => [d.day, d.voiceSeconds]),
    ).toEqual([
      ['2026-03-01', 10],
      ['2026-03-02', 5],
    ]);
  });

  it('GIVEN an explicit time THEN the increment goes to that UTC day', () => {
    t.store().usage.add(GUILD, { voiceSeconds: 7 }, Date.parse('2026-05-09T23:00:00Z'));
    expect(t.store().usage.today(GUILD).voiceSeconds).toBe(0);
    expect(t.store().usage.lastDays(GUILD, 2)[0]).toMatchObject({ day: '2026-05-09', voiceSeconds: 7 });
  });

  it('GIVEN usage on some days THEN the 7-day view lists every day oldest first with zeros for gaps', () => {
    t.clock().set(Date.parse('2026-01-03T08:00:00Z'));
    const daysAgo = (n: number) => t.clock().now() - n * DAY_MS;
    t.store().usage.add(GUILD, { voiceSeconds: 70 }, daysAgo(7));
    t.store().usage.add(GUILD, { voiceSeconds: 60, totalTokens: 6 }, daysAgo(6));
    t.store().usage.add(GUILD, { voiceSeconds: 30, totalTokens: 3 }, daysAgo(3));
    t.store().usage.add(GUILD, { voiceSeconds: 1, totalTokens: 1 });
    t.store().usage.add(OTHER_GUILD, { voiceSeconds: 500 }, daysAgo(1));
    const week = t.store().usage.lastDays(GUILD, 7);
    expect(week.map((d) => [d.day, d.voiceSeconds, d.totalTokens])).toEqual([
      ['2025-12-28', 60, 6],
      ['2025-12-29', 0, 0],
      ['2025-12-30', 0, 0],
      ['2025-12-31', 30, 3],
      ['2026-01-01', 0, 0],
      ['2026-01-02', 0, 0],
      ['2026-01-03', 1, 1],
    ]);
    expect(t.store().usage.lastDays(GUILD)).toEqual(week);
  });

  it('GIVEN a day count out of range THEN lastDays refuses it', () => {
    for (const days of [0, -1, 1.5, 367]) {
      expect(() => t.store().usage.lastDays(GUILD, days)).toThrowError(
        expect.objectContaining({ code: 'STORE_INVALID_USAGE' }),
      );
    }
  });

  it('GIVEN a budget of 0 THEN the remaining voice time is unlimited', () => {
    t.store().usage.add(GUILD, { voiceSeconds: 100_000 });
    expect(t.store().usage.remainingVoiceSeconds(GUILD, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('GIVEN a 1-minute budget THEN the remaining time shrinks, stops at 0, and is whole again the next UTC day', () => {
    expect(t.store().usage.remainingVoiceSeconds(GUILD, 1)).toBe(60);
    t.store().usage.add(GUILD, { voiceSeconds: 45 });
    expect(t.store().usage.remainingVoiceSeconds(GUILD, 1)).toBe(15);
    t.store().usage.add(GUILD, { voiceSeconds: 45 });
    expect(t.store().usage.remainingVoiceSeconds(GUILD, 1)).toBe(0);
    t.clock().set(Date.parse('2026-05-11T00:00:00Z'));
    expect(t.store().usage.remainingVoiceSeconds(GUILD, 1)).toBe(60);
  });
});
