import { describe, expect, it } from 'vitest';
import { type Clock, createTicker } from '../../src/clock.ts';

/** A clock whose time only moves when the test says so; timers fire in time order. */
function manualClock() {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      nextId += 1;
      timers.set(nextId, { at: now + ms, fn });
      return nextId;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  /** Advances time to `to`, firing due timers; `lateMs` makes each timer fire that much late. */
  function advanceTo(to: number, lateMs = 0) {
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at + lateMs <= to).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = Math.max(now, due[1].at + lateMs);
      due[1].fn();
    }
    now = to;
  }
  return { clock, advanceTo, pending: () => timers.size };
}

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
    const afterStall = calls.slice(1);
    expect(afterStall.slice(0, 3).map((c) => c[1])).toEqual([0, 0, 0]);
    expect(afterStall[3]?.[1]).toBeGreaterThan(0);
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
