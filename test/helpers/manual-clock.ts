// A clock whose time only moves when the test says so; due timers fire in time order.
import type { Clock } from '../../src/clock.ts';

export interface ManualClock {
  clock: Clock;
  /** Advances to `to` ms, firing due timers; `lateMs` makes every timer fire that much late. */
  advanceTo(to: number, lateMs?: number): void;
  advanceBy(ms: number): void;
  pending(): number;
}

export function manualClock(): ManualClock {
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
  function advanceTo(to: number, lateMs = 0): void {
    for (;;) {
      const due = [...timers.entries()]
        .filter(([, t]) => t.at + lateMs <= to)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      timers.delete(due[0]);
      now = Math.max(now, due[1].at + lateMs);
      due[1].fn();
    }
    now = to;
  }
  return { clock, advanceTo, advanceBy: (ms) => advanceTo(now + ms), pending: () => timers.size };
}
