// Injectable time: a clock for "now" and timers, and a drift-corrected periodic ticker.

export interface Clock {
  /** Monotonic milliseconds (performance.now in production). */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Settles like `promise`, or with `onTimeout()` (or its throw) once `ms` pass on `clock`, whichever
 * comes first. The timer is always cleared, so a won race leaves nothing scheduled behind it.
 */
export function raceTimeout<T, F>(
  promise: Promise<T>,
  ms: number,
  clock: Clock,
  onTimeout: () => F,
): Promise<T | F> {
  let timer: unknown;
  const late = new Promise<F>((resolve, reject) => {
    timer = clock.setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  return Promise.race([promise, late]).finally(() => clock.clearTimeout(timer));
}

/** Waits `ms` on `clock`; resolves false at once when `signal` aborts (the timer is cleared then). */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface Ticker {
  readonly running: boolean;
  /** Starts ticking: the first tick is `firstDelayMs` from now, then every period from there. */
  start(firstDelayMs?: number): void;
  stop(): void;
}

/**
 * Calls `onTick` every `periodMs`, scheduling each tick against the ideal time line
 * (start + n × period) so timer lateness never accumulates into drift. If the process stalls
 * for longer than a few periods, the missed ticks are run at once (up to `maxCatchUp`) so
 * audio keeps its real-time position, and the rest are skipped and reported as `skipped`.
 */
export function createTicker(
  clock: Clock,
  periodMs: number,
  onTick: (tickAtMs: number, skipped: number) => void,
  maxCatchUp = 3,
): Ticker {
  let handle: unknown = null;
  let nextAt = 0;
  // Bumped by start/stop so a tick that stops or restarts the ticker ends the current firing.
  let generation = 0;
  let running = false;

  function schedule(): void {
    handle = clock.setTimeout(fire, Math.max(0, nextAt - clock.now()));
  }

  function fire(): void {
    handle = null;
    const mine = generation;
    let ran = 0;
    while (clock.now() >= nextAt && ran < maxCatchUp) {
      const at = nextAt;
      nextAt += periodMs;
      ran += 1;
      onTick(at, 0);
      if (generation !== mine) return;
    }
    const behind = Math.floor((clock.now() - nextAt) / periodMs);
    if (behind > 0) {
      const at = nextAt + behind * periodMs;
      nextAt = at + periodMs;
      onTick(at, behind);
      if (generation !== mine) return;
    }
    schedule();
  }

  return {
    get running() {
      return running;
    },
    start(firstDelayMs = periodMs) {
      if (running) return;
      running = true;
      generation += 1;
      nextAt = clock.now() + firstDelayMs;
      schedule();
    },
    stop() {
      if (!running) return;
      running = false;
      generation += 1;
      if (handle !== null) clock.clearTimeout(handle);
      handle = null;
    },
  };
}
