import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../src/live/retry-budget.ts';

const POLICY = { maxAttempts: 3, windowMs: 10_000, baseDelayMs: 100, maxDelayMs: 300, stableAfterMs: 5_000 };

describe('RetryBudget', () => {
  it('GIVEN consecutive failures THEN delays double up to the cap, then the budget runs out', () => {
    const budget = new RetryBudget(POLICY, () => 1);
    expect([budget.next(0), budget.next(1), budget.next(2), budget.next(3)]).toEqual([100, 200, 300, null]);
  });

  it('GIVEN jitter THEN a delay lies between half and all of the backoff', () => {
    expect(new RetryBudget(POLICY, () => 0).next(0)).toBe(50);
    expect(new RetryBudget(POLICY, () => 0.5).next(0)).toBe(75);
    expect(new RetryBudget(POLICY, () => 0.999).next(0)).toBe(100);
  });

  it('GIVEN old attempts outside the window THEN they no longer count', () => {
    const budget = new RetryBudget(POLICY, () => 1);
    budget.next(0);
    budget.next(0);
    budget.next(0);
    expect(budget.next(10_001)).not.toBeNull();
  });

  it('GIVEN a connection that stayed up long enough THEN backoff starts over', () => {
    const budget = new RetryBudget(POLICY, () => 1);
    budget.next(0);
    budget.next(0);
    budget.connectionEnded(4_999);
    expect(budget.next(0)).toBe(300);
    budget.connectionEnded(5_000);
    expect(budget.next(0)).toBe(100);
  });
});
