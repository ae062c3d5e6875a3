// Time source for tools and the registry: wall clock plus cancellable timers, injectable in tests.

export interface Clock {
  now(): Date;
  /** Runs `fn` once after `ms` milliseconds; the returned function cancels it (idempotent). */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** The real clock. A fresh object per call: no shared state between registries. */
export function systemClock(): Clock {
  return {
    now: () => new Date(),
    setTimeout(fn, ms) {
      const handle = setTimeout(fn, ms);
      return () => clearTimeout(handle);
    },
  };
}
