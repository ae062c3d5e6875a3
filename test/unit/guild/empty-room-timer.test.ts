// EmptyRoomTimer: the bot leaves an empty room after the idle time, and not if someone returns.
import { describe, expect, it } from 'vitest';
import { EmptyRoomTimer } from '../../../src/guild/empty-room-timer.ts';
import { manualClock } from '../../helpers/manual-clock.ts';

function setUp(initialDelayMs: number) {
  const time = manualClock();
  const left: number[] = [];
  let delayMs = initialDelayMs;
  const timer = new EmptyRoomTimer(
    time.clock,
    () => delayMs,
    () => left.push(time.clock.now()),
  );
  return { time, left, timer, setDelay: (ms: number) => (delayMs = ms) };
}

describe('EmptyRoomTimer', () => {
  it('GIVEN the last person leaves THEN the bot leaves once, after the idle time', () => {
    const { time, left, timer } = setUp(60_000);
    timer.update(2);
    timer.update(0);
    timer.update(0); // another update while empty does not restart the countdown
    time.advanceBy(59_999);
    expect(left).toEqual([]);
    time.advanceBy(1);
    expect(left).toEqual([60_000]);
    time.advanceBy(120_000);
    expect(left).toHaveLength(1);
  });

  it('GIVEN someone comes back before the idle time THEN the bot stays, and a later empty room counts from zero', () => {
    const { time, left, timer, setDelay } = setUp(60_000);
    timer.update(0);
    time.advanceBy(50_000);
    timer.update(1);
    time.advanceBy(60_000);
    expect(left).toEqual([]);
    setDelay(5_000); // /config changed the idle time meanwhile: the next empty room uses it
    timer.update(0);
    time.advanceBy(5_000);
    expect(left).toEqual([115_000]);
  });

  it('GIVEN the session ends first THEN cancel stops the countdown', () => {
    const { time, left, timer } = setUp(1_000);
    timer.update(0);
    timer.cancel();
    time.advanceBy(10_000);
    expect(left).toEqual([]);
    expect(time.pending()).toBe(0);
  });
});
