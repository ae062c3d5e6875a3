// The reconnect budget: backoff per incident, a fresh start after a stable connection, storms capped.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, RetryBudget, type RetryPolicy } from '../../../src/live/retry-budget.ts';
import { manualClock } from '../../helpers/manual-clock.ts';

const POLICY: RetryPolicy = {
  maxAttempts: 3,
  maxAttemptsPerWindow: 5,
  windowMs: 10_000,
  baseDelayMs: 100,
  maxDelayMs: 300,
  stableAfterMs: 5_000,
};

/**
 * Plays `incidents` connection losses `apartMs` apart (loss to loss) on a manual clock: each
 * incident's first `failures` attempts fail (the socket closes during setup), the next one
 * succeeds and stays up until the next loss. Returns each incident's waits (ms), jitter at its maximum.
 */
function waitsFor(incidents: number, apartMs: number, failures: number, policy = DEFAULT_RETRY_POLICY) {
  const { clock, advanceBy } = manualClock();
  const budget = new RetryBudget(policy, () => 1);
  const out: (number | null)[][] = [];
  let upSince = 0;
  for (let incident = 0; incident < incidents; incident++) {
    advanceBy(Math.max(0, incident * apartMs - clock.now()));
    budget.connectionEnded(clock.now() - upSince);
    const waits: (number | null)[] = [];
    for (let attempt = 0; attempt <= failures; attempt++) {
      const wait = budget.next(clock.now());
      waits.push(wait);
      if (wait === null) break;
      advanceBy(wait);
    }
    upSince = clock.now();
    out.push(waits);
  }
  return out;
}

describe('RetryBudget', () => {
  it('GIVEN consecutive failures in one incident THEN delays double up to the cap, then the budget runs out', () => {
    const budget = new RetryBudget(POLICY, () => 1);
    expect([budget.next(0), budget.next(1), budget.next(2), budget.next(3)]).toEqual([100, 200, 300, null]);
  });

  it('GIVEN jitter THEN a delay lies between half and all of the backoff', () => {
    expect(new RetryBudget(POLICY, () => 0).next(0)).toBe(50);
    expect(new RetryBudget(POLICY, () => 0.5).next(0)).toBe(75);
    expect(new RetryBudget(POLICY, () => 0.999).next(0)).toBe(100);
  });

  it('GIVEN a connection that stayed up stableAfterMs THEN the next incident starts with the first backoff and a full budget', () => {
    const budget = new RetryBudget(POLICY, () => 1);
    budget.next(0);
    budget.next(0);
    budget.connectionEnded(4_999);
    expect(budget.next(0)).toBe(300);
    budget.connectionEnded(5_000);
    // Outside the window of the first three, so only the per-incident budget applies.
    expect([budget.next(20_000), budget.next(20_000), budget.next(20_000)]).toEqual([100, 200, 300]);
  });

  it('GIVEN 1, 2 and 3 incidents a minute apart THEN each waits the same as the first (the default policy)', () => {
    const once = waitsFor(1, 60_000, 0);
    const twice = waitsFor(2, 60_000, 0);
    const thrice = waitsFor(3, 60_000, 0);
    expect(once).toEqual([[500]]);
    expect(twice).toEqual([[500], [500]]);
    expect(thrice).toEqual([[500], [500], [500]]);
    // When each incident also needs a second and third attempt, none inherits the previous one's backoff.
    const hard = waitsFor(3, 60_000, 2);
    expect(hard).toEqual([
      [500, 1_000, 2_000],
      [500, 1_000, 2_000],
      [500, 1_000, 2_000],
    ]);
    console.info(
      `waits (ms, jitter at max; half of each at least) 1 incident ${JSON.stringify(once)}, ` +
        `2: ${JSON.stringify(twice)}, 3: ${JSON.stringify(thrice)}; with 2 failed attempts each: ${JSON.stringify(hard)}`,
    );
  });

  it('GIVEN a server that accepts and drops at once (flapping) THEN it is one incident: backoff grows and its budget ends it', () => {
    // Connections that live 100 ms never become stable: 6 attempts, ~30 s of backoff, then give up.
    const flaps = waitsFor(7, 100, 0).flat();
    expect(flaps).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, null]);
  });

  it('GIVEN incidents just past stableAfterMs, again and again THEN the window cap bounds the storm', () => {
    const storm = waitsFor(14, 5_500, 0).flat();
    expect(storm.slice(0, 12).every((wait) => wait === 500)).toBe(true);
    expect(storm[12]).toBeNull();
  });
});
