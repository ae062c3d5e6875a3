// Reconnect policy: exponential backoff with jitter, a cap on attempts per window, reset when stable.

export interface RetryPolicy {
  /** Reconnect attempts allowed within `windowMs` before giving up. */
  maxAttempts: number;
  windowMs: number;
  /** First backoff (ms); doubles per consecutive failure up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A connection that stayed up this long (ms) wipes the failure history. */
  stableAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 6,
  windowMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  stableAfterMs: 60_000,
});

export class RetryBudget {
  readonly #policy: RetryPolicy;
  readonly #random: () => number;
  #attempts: number[] = [];
  #consecutive = 0;

  constructor(policy: RetryPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** Delay (ms) before the next attempt at time `now`, or null when the budget is spent. */
  next(now: number): number | null {
    this.#attempts = this.#attempts.filter((at) => now - at < this.#policy.windowMs);
    if (this.#attempts.length >= this.#policy.maxAttempts) return null;
    this.#attempts.push(now);
    const exponential = this.#policy.baseDelayMs * 2 ** this.#consecutive;
    this.#consecutive++;
    // Half fixed, half random: spreads guilds that lost Gemini at the same moment.
    const capped = Math.min(this.#policy.maxDelayMs, exponential);
    return Math.round(capped / 2 + (capped / 2) * this.#random());
  }

  /** Called when a connection ends; forgets old failures if it had been up long enough. */
  connectionEnded(upForMs: number): void {
    if (upForMs >= this.#policy.stableAfterMs) this.reset();
  }

  reset(): void {
    this.#attempts = [];
    this.#consecutive = 0;
  }

  get attemptsInWindow(): number {
    return this.#attempts.length;
  }
}
