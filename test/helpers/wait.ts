// Bounded waiting for test conditions (polled, or on an emitter's events), and a free TCP port.
import type { EventEmitter } from 'node:events';
import { createServer } from 'node:net';

/** Resolves with the first truthy value of `check()` (awaited), polled every 10 ms; rejects naming `what`. */
export async function eventually<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once `check()` is true; rejects after `timeoutMs` naming `what`. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await eventually(() => check() || undefined, what, timeoutMs);
}

/** A port nothing listens on right now (for servers a test starts by port number). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Resolves with the first value of `check()` other than undefined, null or false, evaluated now
 * and after every `event` on `emitter` (the fakes emit one on each change, so nothing polls);
 * rejects after `timeoutMs` naming `what`, so a failing test says what never happened.
 */
export function waitForEvent<T>(
  emitter: EventEmitter,
  event: string,
  check: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onEvent = (): void => {
      let value: T | undefined | null | false;
      try {
        value = check();
      } catch (error) {
        cleanup();
        reject(error);
        return;
      }
      if (value === undefined || value === null || value === false) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
    };
    emitter.on(event, onEvent);
    onEvent();
  });
}

/** Resolves after `ms` (for pacing a simulation in real time, never for waiting on a result). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
