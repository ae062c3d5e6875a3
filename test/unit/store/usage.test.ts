import { expect, it } from 'vitest';
import { describeBackends, useTempStore } from './temp-store.ts';
import { GUILD, OTHER_GUILD } from './test-ids.ts';

const DAY_MS = 86_400_000;

describeBackends('usage', (target) => {
  const t = useTempStore(target, '2026-05-10T12:00:00Z');

  it('GIVEN no usage THEN today is all zeros for the current UTC day', async () => {
    expect(await t.store().usage.today(GUILD)).toEqual({
      day: '2026-05-10',
      voiceSeconds: 0,
      promptTokens: 0,
      responseTokens: 0,
      totalTokens: 0,
    });
  });

  it('GIVEN several increments THEN today holds their sums, per guild', async () => {
    await t.store().usage.add(GUILD, {
      voiceSeconds: 1.5,
      promptTokens: 100,
      responseTokens: 40,
      totalTokens: 140,
    });
    await t.store().usage.add(GUILD, { voiceSeconds: 0.25 });
    await t.store().usage.add(GUILD, { promptTokens: 10, responseTokens: 5, totalTokens: 15 });
    await t.store().usage.add(OTHER_GUILD, { voiceSeconds: 99 });
    expect(await t.store().usage.today(GUILD)).toEqual({
      day: '2026-05-10',
      voiceSeconds: 1.75,
      promptTokens: 110,
      responseTokens: 45,
      totalTokens: 155,
    });
    expect((await t.store().usage.today(OTHER_GUILD)).voiceSeconds).toBe(99);
  });

  it('GIVEN invalid increments THEN they throw STORE_INVALID_USAGE and nothing is added', async () => {
    await t.store().usage.add(GUILD, { voiceSeconds: 5 });
    for (const delta of [
      { voiceSeconds: -1 },
      { voiceSeconds: Number.NaN },
      { voiceSeconds: Number.POSITIVE_INFINITY },
      { promptTokens: 1.5 },
      { voiceSeconds: 3, totalTokens: -2 },
    ]) {
      await expect(t.store().usage.add(GUILD, delta)).rejects.toThrowError(
        expect.objectContaining({ code: 'STORE_INVALID_USAGE' }),
      );
    }
    expect(await t.store().usage.today(GUILD)).toMatchObject({ voiceSeconds: 5, totalTokens: 0 });
  });

  it('GIVEN usage on both sides of UTC midnight THEN each side counts on its own day', async () => {
    t.clock().set(Date.parse('2026-03-01T23:59:59.000Z'));
    await t.store().usage.add(GUILD, { voiceSeconds: 10, totalTokens: 1 });
    t.clock().set(Date.parse('2026-03-02T00:00:00.500Z'));
    await t.store().usage.add(GUILD, { voiceSeconds: 5, totalTokens: 2 });
    expect(await t.store().usage.today(GUILD)).toMatchObject({
      day: '2026-03-02',
      voiceSeconds: 5,
      totalTokens: 2,
    });
    expect((await t.store().usage.lastDays(GUILD, 2)).map((d) => [d.day, d.voiceSeconds])).toEqual([
      ['2026-03-01', 10],
      ['2026-03-02', 5],
    ]);
  });

  it('GIVEN an explicit time THEN the increment goes to that UTC day', async () => {
    await t.store().usage.add(GUILD, { voiceSeconds: 7 }, Date.parse('2026-05-09T23:00:00Z'));
    expect((await t.store().usage.today(GUILD)).voiceSeconds).toBe(0);
    expect((await t.store().usage.lastDays(GUILD, 2))[0]).toMatchObject({
      day: '2026-05-09',
      voiceSeconds: 7,
    });
  });

  it('GIVEN usage on some days THEN the 7-day view lists every day oldest first with zeros for gaps', async () => {
    t.clock().set(Date.parse('2026-01-03T08:00:00Z'));
    const daysAgo = (n: number) => t.clock().now() - n * DAY_MS;
    await t.store().usage.add(GUILD, { voiceSeconds: 70 }, daysAgo(7));
    await t.store().usage.add(GUILD, { voiceSeconds: 60, totalTokens: 6 }, daysAgo(6));
    await t.store().usage.add(GUILD, { voiceSeconds: 30, totalTokens: 3 }, daysAgo(3));
    await t.store().usage.add(GUILD, { voiceSeconds: 1, totalTokens: 1 });
    await t.store().usage.add(OTHER_GUILD, { voiceSeconds: 500 }, daysAgo(1));
    const week = await t.store().usage.lastDays(GUILD, 7);
    expect(week.map((d) => [d.day, d.voiceSeconds, d.totalTokens])).toEqual([
      ['2025-12-28', 60, 6],
      ['2025-12-29', 0, 0],
      ['2025-12-30', 0, 0],
      ['2025-12-31', 30, 3],
      ['2026-01-01', 0, 0],
      ['2026-01-02', 0, 0],
      ['2026-01-03', 1, 1],
    ]);
    expect(await t.store().usage.lastDays(GUILD)).toEqual(week);
  });

  it('GIVEN a day count out of range THEN lastDays refuses it', async () => {
    for (const days of [0, -1, 1.5, 367]) {
      await expect(t.store().usage.lastDays(GUILD, days)).rejects.toThrowError(
        expect.objectContaining({ code: 'STORE_INVALID_USAGE' }),
      );
    }
  });

  it('GIVEN a budget of 0 THEN the remaining voice time is unlimited', async () => {
    await t.store().usage.add(GUILD, { voiceSeconds: 100_000 });
    expect(await t.store().usage.remainingVoiceSeconds(GUILD, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('GIVEN a 1-minute budget THEN the remaining time shrinks, stops at 0, and is whole again the next UTC day', async () => {
    expect(await t.store().usage.remainingVoiceSeconds(GUILD, 1)).toBe(60);
    await t.store().usage.add(GUILD, { voiceSeconds: 45 });
    expect(await t.store().usage.remainingVoiceSeconds(GUILD, 1)).toBe(15);
    await t.store().usage.add(GUILD, { voiceSeconds: 45 });
    expect(await t.store().usage.remainingVoiceSeconds(GUILD, 1)).toBe(0);
    t.clock().set(Date.parse('2026-05-11T00:00:00Z'));
    expect(await t.store().usage.remainingVoiceSeconds(GUILD, 1)).toBe(60);
  });

  it('GIVEN two processes adding to the same day at once THEN no increment is lost', async () => {
    const other = await t.another();
    const adds = (store: typeof other, n: number) =>
      Array.from({ length: n }, () =>
        store.usage.add(GUILD, { voiceSeconds: 0.5, promptTokens: 1, responseTokens: 2, totalTokens: 3 }),
      );
    await Promise.all([...adds(t.store(), 400), ...adds(other, 400)]);
    expect(await t.store().usage.today(GUILD)).toEqual({
      day: '2026-05-10',
      voiceSeconds: 400,
      promptTokens: 800,
      responseTokens: 1600,
      totalTokens: 2400,
    });
  });
});
