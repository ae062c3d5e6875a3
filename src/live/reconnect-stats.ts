// How often and how fast a Live session got its connection back, for /status and the metrics.
import type { ReconnectCounters } from './session-types.ts';

export class ReconnectStats {
  readonly counters: ReconnectCounters = {
    reconnects: 0,
    freshSessions: 0,
    lastReconnectMs: null,
    maxReconnectMs: 0,
  };
  #lostAt = 0;

  /** The ready socket was lost at `now` (ms); returns how long it had been up since `readySince`. */
  lost(now: number, readySince: number): number {
    this.#lostAt = now;
    return now - readySince;
  }

  /** A new socket is ready at `now` (ms); returns how long the session was without one (ms). */
  reconnected(now: number): number {
    const durationMs = Math.round(now - this.#lostAt);
    this.counters.reconnects++;
    this.counters.lastReconnectMs = durationMs;
    this.counters.maxReconnectMs = Math.max(this.counters.maxReconnectMs, durationMs);
    return durationMs;
  }

  /** The next socket starts a new conversation without the handle. */
  startedFresh(): void {
    this.counters.freshSessions++;
  }
}
