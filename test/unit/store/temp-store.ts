// Test helpers: a throw-away data directory and a clock the test moves by hand.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Clock } from '../../../src/store/clock.ts';
import { openStore, type Store } from '../../../src/store/store.ts';

export interface TempDir {
  dir: string;
  remove(): void;
}

export function makeTempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(start: number | string): ManualClock {
  let now = typeof start === 'string' ? Date.parse(start) : start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/**
 * A fresh store in a throw-away directory for each test of the calling `describe`, on a manual
 * clock starting at `start`; closed and deleted after each test.
 */
export function useTempStore(start: string): {
  store: () => Store;
  clock: () => ManualClock;
  /** Closes the store and opens the same file again (a bot restart). */
  reopen: () => Store;
} {
  let tmp: TempDir;
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    tmp = makeTempDir();
    clock = manualClock(start);
    store = openStore({ dataDir: tmp.dir, clock });
  });
  afterEach(() => {
    store.close();
    tmp.remove();
  });
  return {
    store: () => store,
    clock: () => clock,
    reopen: () => {
      store.close();
      store = openStore({ dataDir: tmp.dir, clock });
      return store;
    },
  };
}
