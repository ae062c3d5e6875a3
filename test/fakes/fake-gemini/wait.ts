// Event-driven waiting for the fake: re-check a condition on every change, fail after a bounded time.
import type { EventEmitter } from 'node:events';

/** Resolves with the first truthy `check()` result, re-checked on each `update` event of `source`. */
export function waitForUpdate<T>(
  source: EventEmitter,
  check: () => T | undefined | false | null,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const first = check();
  if (first) return Promise.resolve(first);
  return new Promise<T>((resolve, reject) => {
    const onUpdate = () => {
      const value = check();
      if (!value) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`fake-gemini: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      source.off('update', onUpdate);
    };
    source.on('update', onUpdate);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
