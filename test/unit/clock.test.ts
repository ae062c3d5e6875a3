import { describe, expect, it } from 'vitest';
import { createTicker, raceTimeout } from '../../src/clock.ts';
import { manualClock } from '../helpers/manual-clock.ts';

describe('createTicker', () => {
  it('GIVEN timers that always fire 3 ms late THEN ticks stay on the 20 ms grid without drift', () => {
    const { clock, advanceTo } = manualClock();
    const ticks: number[] = [];
    const ticker = createTicker(clock, 20, (at) => ticks.push(at));
    ticker.start(0);
    advanceTo(1000, 3);
    expect(ticks.length).toBe(50);
    expect(ticks.every((t, i) => t === i * 20)).toBe(true);
    ticker.stop();
  });

  it('GIVEN a 200 ms stall THEN up to three ticks catch up and the rest are reported as skipped', () => {
    const { clock, advanceTo } = manualClock();
    const calls: [number, number][] = [];
    const ticker = createTicker(clock, 20, (at, skipped) => calls.push([at, skipped]));
    ticker.start(20);
    advanceTo(20);
    advanceTo(230, 190); // the timer for t=40 fires at 230
    // Three catch-up ticks (40, 60, 80), then one tick that skips the six missed in between.
    expect(calls).toEqual([
      [20, 0],
      [40, 0],
      [60, 0],
      [80, 0],
      [220, 6],
    ]);
    ticker.stop();
  });

  it('GIVEN a tick that stops the ticker THEN no timer is left behind', () => {
    const { clock, advanceTo, pending } = manualClock();
    let count = 0;
    const ticker = createTicker(clock, 20, () => {
      count += 1;
      if (count === 3) ticker.stop();
    });
    ticker.start();
    advanceTo(500);
    expect(count).toBe(3);
    expect(ticker.running).toBe(false);
    expect(pending()).toBe(0);
  });

  it('GIVEN a tick that restarts the ticker THEN exactly one timer chain runs', () => {
    const { clock, advanceTo, pending } = manualClock();
    let count = 0;
    const ticker = createTicker(clock, 20, () => {
      count += 1;
      if (count === 2) {
        ticker.stop();
        ticker.start(5);
      }
    });
    ticker.start();
    advanceTo(105);
    // ticks at 20, 40 (restart) → 45, 65, 85, 105
    expect(count).toBe(6);
    expect(pending()).toBe(1);
    ticker.stop();
    expect(pending()).toBe(0);
  });
});

describe('raceTimeout', () => {
  it('GIVEN the promise settles first THEN its value wins and no timer is left behind', async () => {
    const { clock, pending } = manualClock();
    await expect(raceTimeout(Promise.resolve('answer'), 1_000, clock, () => 'late')).resolves.toBe('answer');
    expect(pending()).toBe(0);
  });

  it('GIVEN the time runs out first THEN the fallback wins, or its throw rejects', async () => {
    const { clock, advanceBy } = manualClock();
    const never = new Promise<string>(() => {});
    const fallback = raceTimeout(never, 1_000, clock, () => undefined);
    const failing = raceTimeout(never, 2_000, clock, (): never => {
      throw new Error('no answer within 2 s');
    });
    advanceBy(999);
    advanceBy(1);
    await expect(fallback).resolves.toBeUndefined();
    advanceBy(1_000);
    await expect(failing).rejects.toThrow('no answer within 2 s');
  });
});
