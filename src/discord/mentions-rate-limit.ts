// Per-user sliding-window limit on @mention questions (each one may cost a Gemini call).

export interface RateLimitOptions {
  /** Questions allowed per user within `windowMs`. */
  max: number;
  windowMs: number;
  now(): number;
}

/** Remembers at most `max` timestamps per user, dropping users whose window has passed. */
export class MentionRateLimiter {
  readonly #o: RateLimitOptions;
  readonly #recent = new Map<string, number[]>();

  constructor(options: RateLimitOptions) {
    this.#o = options;
  }

  /** Records a question if allowed; otherwise returns how long (ms) until the next one is. */
  take(userId: string): { allowed: true } | { allowed: false; retryInMs: number } {
    const now = this.#o.now();
    this.#forgetIdle(now);
    const times = (this.#recent.get(userId) ?? []).filter((t) => now - t < this.#o.windowMs);
    if (times.length >= this.#o.max) {
      this.#recent.set(userId, times);
      return { allowed: false, retryInMs: (times[0] ?? now) + this.#o.windowMs - now };
    }
    times.push(now);
    this.#recent.set(userId, times);
    return { allowed: true };
  }

  #forgetIdle(now: number): void {
    for (const [userId, times] of this.#recent) {
      if (now - (times.at(-1) ?? 0) >= this.#o.windowMs) this.#recent.delete(userId);
    }
  }
}
