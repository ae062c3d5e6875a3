// Opens the bot's SQLite file (WAL, shared by shard processes on one host), migrates it, watches it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { BotError } from '../errors.ts';
import { retryWhileBusy } from './busy-retry.ts';
import { migrate, userVersion } from './migrations.ts';
import { buildRepositories, type OpenParts } from './repositories.ts';
import { sqliteClient } from './sql-client-sqlite.ts';
import type { Store } from './store.ts';

/** How long a statement waits for another process's write lock before failing, in ms. */
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** How often another process's writes are looked for (PRAGMA data_version), in ms. */
const DEFAULT_POLL_MS = 2_000;

export async function openSqliteStore(
  options: OpenParts & { path: string; busyTimeoutMs?: number },
): Promise<Store> {
  const { path } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let db: DatabaseSync;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new DatabaseSync(path, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true });
  } catch (cause) {
    throw new BotError('STORE_OPEN_FAILED', `cannot open the database at ${path}`, { cause });
  }

  let from: number;
  try {
    // WAL lets shard processes read while one writes; it is a property of the file, kept once set.
    retryWhileBusy(() => db.exec('PRAGMA journal_mode = WAL'), busyTimeoutMs);
    // In WAL mode NORMAL cannot corrupt the file; a power cut may lose the last commits only.
    db.exec('PRAGMA synchronous = NORMAL');
    from = retryWhileBusy(() => migrate(db), busyTimeoutMs).from;
  } catch (error) {
    db.close();
    if (error instanceof BotError) throw error;
    throw new BotError('STORE_OPEN_FAILED', `cannot prepare the database at ${path}`, { cause: error });
  }

  // data_version changes when another connection commits to the file: only then is memory re-read.
  // Read before the first load, so a commit landing during that load is re-read on the first poll.
  const dataVersion = db.prepare('PRAGMA data_version');
  let seenVersion = Number(dataVersion.get()?.data_version);
  const repos = await buildRepositories(sqliteClient(db), options);
  const poll = setInterval(() => {
    if (!db.isOpen) return;
    const version = Number(dataVersion.get()?.data_version);
    if (version === seenVersion) return;
    seenVersion = version;
    repos.refresh().catch(() => {
      // Re-read on the next poll: memory must not stay behind the file.
      seenVersion = Number.NaN;
    });
  }, options.watchIntervalMs ?? DEFAULT_POLL_MS);
  poll.unref();

  return {
    kind: 'sqlite',
    location: path,
    migratedFrom: from,
    defaults: options.defaults,
    ...repos,
    reachable: () => db.isOpen,
    health: async () => {
      const started = performance.now();
      try {
        const schemaVersion = userVersion(db);
        return { kind: 'sqlite', reachable: true, schemaVersion, latencyMs: performance.now() - started };
      } catch (error) {
        return {
          kind: 'sqlite',
          reachable: false,
          schemaVersion: null,
          latencyMs: null,
          error: String(error),
        };
      }
    },
    close: async function closeStore() {
      clearInterval(poll);
      if (db.isOpen) db.close();
    },
  };
}
