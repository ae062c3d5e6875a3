// Bounded waiting on a condition re-checked whenever an emitter fires, for the fake's scenario API.
import type { EventEmitter } from 'node:events';

/**
 * Resolves with the first non-undefined value of `check()`, evaluated now and after every `event`
 * on `emitter`; rejects after timeoutMs naming `what` so a failing test says what never happened.
 */
export function waitFor<T>(
  emitter: EventEmitter,
  event: string,
  check: () => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise<T>((resolve, reject) => {
    const onEvent = (): void => {
      let value: T | undefined;
      try {
        value = check();
      } catch (error) {
        cleanup();
        reject(error);
        return;
      }
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`fake-discord: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
    };
    emitter.on(event, onEvent);
  });
}

/** Promise that resolves after ms (used for pacing the simulation, never for test assertions). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
