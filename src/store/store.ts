// Opens the bot's SQLite file (WAL, shared by shard processes), migrates it, and exposes repositories.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { BotError } from '../errors.ts';
import { retryWhileBusy } from './busy-retry.ts';
import type { Clock } from './clock.ts';
import { createHandlesRepo, type HandlesRepo } from './handles.ts';
import { migrate } from './migrations.ts';
import { createOptOutsRepo, type OptOutsRepo } from './opt-outs.ts';
import { createSettingsRepo, type SettingsRepo } from './settings-repo.ts';
import { type GuildSettings, resolveDefaults, type SettingsPatch } from './settings-schema.ts';
import { createUsageRepo, type UsageRepo } from './usage.ts';

export const STORE_FILE_NAME = 'bot.sqlite';

/** How long a statement waits for another process's write lock before failing, in ms. */
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

interface CommonOptions {
  /** Time source for usage days, handle ages and row timestamps; defaults to Date.now. */
  clock?: Clock;
  /** Overrides of the built-in defaults (e.g. a voice or persona from config); validated at open. */
  settingsDefaults?: SettingsPatch;
  busyTimeoutMs?: number;
}

export type OpenStoreOptions =
  | (CommonOptions & { /** `<dataDir>/bot.sqlite`; the directory is created if missing. */ dataDir: string })
  | (CommonOptions & { /** An exact file path. */ path: string });

export interface Store {
  /** The database file. */
  readonly path: string;
  /** Schema version of the file before this open migrated it (0 = new file). */
  readonly migratedFrom: number;
  /** The defaults every guild starts with. */
  readonly defaults: Readonly<GuildSettings>;
  readonly settings: SettingsRepo;
  readonly optOuts: OptOutsRepo;
  readonly usage: UsageRepo;
  readonly handles: HandlesRepo;
  /** Closes the file; idempotent. Repositories must not be used afterwards. */
  close(): void;
}

/**
 * Opens (creating if needed) and migrates the store. Throws BotError STORE_TOO_NEW when the file
 * was written by a newer version of the bot, STORE_MIGRATION_FAILED, STORE_BAD_DEFAULTS, or
 * STORE_OPEN_FAILED (e.g. the directory is not writable).
 */
export function openStore(options: OpenStoreOptions): Store {
  const clock = options.clock ?? { now: () => Date.now() };
  const path = 'path' in options ? options.path : join(options.dataDir, STORE_FILE_NAME);
  let defaults: Readonly<GuildSettings>;
  try {
    defaults = resolveDefaults(options.settingsDefaults);
  } catch (cause) {
    throw new BotError('STORE_BAD_DEFAULTS', `invalid settings default: ${(cause as Error).message}`, {
      cause,
    });
  }

  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let db: DatabaseSync;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new DatabaseSync(path, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true });
  } catch (cause) {
    throw new BotError('STORE_OPEN_FAILED', `cannot open the database at ${path}`, { cause });
  }

  try {
    // WAL lets shard processes read while one writes; it is a property of the file, kept once set.
    retryWhileBusy(() => db.exec('PRAGMA journal_mode = WAL'), busyTimeoutMs);
    // In WAL mode NORMAL cannot corrupt the file; a power cut may lose the last commits only.
    db.exec('PRAGMA synchronous = NORMAL');
    const { from } = retryWhileBusy(() => migrate(db), busyTimeoutMs);
    return {
      path,
      migratedFrom: from,
      defaults,
      settings: createSettingsRepo(db, clock, defaults),
      optOuts: createOptOutsRepo(db, clock),
      usage: createUsageRepo(db, clock),
      handles: createHandlesRepo(db, clock),
      close: function closeStore() {
        if (db.isOpen) db.close();
      },
    };
  } catch (error) {
    db.close();
    if (error instanceof BotError) throw error;
    throw new BotError('STORE_OPEN_FAILED', `cannot prepare the database at ${path}`, { cause: error });
  }
}
