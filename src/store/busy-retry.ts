// Retries open-time statements that SQLite fails with SQLITE_BUSY without calling its busy handler.

/** SQLITE_BUSY: another connection holds a lock this statement needs. */
const SQLITE_BUSY = 5;
/** Pause between attempts, in ms; short because only start-up waits on it. */
const RETRY_PAUSE_MS = 10;

function isBusy(error: unknown): boolean {
  return (error as { errcode?: unknown } | null)?.errcode === SQLITE_BUSY;
}

/**
 * Runs `step`, retrying while it fails with SQLITE_BUSY, for at most `timeoutMs`. Needed because
 * switching a new file to WAL while another process does the same returns "database is locked"
 * at once, ignoring busy_timeout (seen with two shards starting together on an empty DATA_DIR).
 * Blocks the thread between attempts (Atomics.wait); only used while opening the store.
 */
export function retryWhileBusy<T>(step: () => T, timeoutMs: number, now: () => number = Date.now): T {
  const deadline = now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (error) {
      if (!isBusy(error) || now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, RETRY_PAUSE_MS);
    }
  }
}
