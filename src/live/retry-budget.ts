// Reconnect policy: exponential backoff with jitter per incident, fresh after a stable connection, storms capped.

export interface RetryPolicy {
  /** Attempts allowed in one incident (from losing the connection until one stays up `stableAfterMs`). */
  maxAttempts: number;
  /** Attempts allowed across all incidents within `windowMs`: bounds a storm of short-lived incidents. */
  maxAttemptsPerWindow: number;
  windowMs: number;
  /** First backoff of an incident (ms); doubles per attempt of the same incident up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A connection that stayed up this long (ms) ended its incident: the next loss starts a new one
   * with the first backoff and a full per-incident budget. One that died sooner (the server accepts
   * and drops at once) continues the same incident, so flapping still backs off.
   */
  stableAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 6,
  maxAttemptsPerWindow: 12,
  windowMs: 300_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  stableAfterMs: 5_000,
});

export class RetryBudget {
  readonly #policy: RetryPolicy;
  readonly #random: () => number;
  /** When each attempt of the last `windowMs` was made (ms, the caller's clock). */
  #attempts: number[] = [];
  /** Attempts in the current incident. */
  #incidentAttempts = 0;

  constructor(policy: RetryPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** Delay (ms) before the next attempt at time `now`, or null when the incident's or window's budget is spent. */
  next(now: number): number | null {
    this.#attempts = this.#attempts.filter((at) => now - at < this.#policy.windowMs);
    if (this.#incidentAttempts >= this.#policy.maxAttempts) return null;
    if (this.#attempts.length >= this.#policy.maxAttemptsPerWindow) return null;
    this.#attempts.push(now);
    const exponential = this.#policy.baseDelayMs * 2 ** this.#incidentAttempts;
    this.#incidentAttempts++;
    // Half fixed, half random: spreads guilds that lost Gemini at the same moment.
    const capped = Math.min(this.#policy.maxDelayMs, exponential);
    return Math.round(capped / 2 + (capped / 2) * this.#random());
  }

  /** Called when a connection ends after `upForMs`: a stable one closes its incident. */
  connectionEnded(upForMs: number): void {
    if (upForMs >= this.#policy.stableAfterMs) this.#incidentAttempts = 0;
  }
}
