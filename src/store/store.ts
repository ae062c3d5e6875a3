// The store's one interface, and openStore: PostgreSQL when a database URL is given, else SQLite.
import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { BotError } from '../errors.ts';
import type { Clock } from './clock.ts';
import type { HandlesRepo } from './handles.ts';
import type { IdentifySlots } from './identify-slots.ts';
import type { OptOutsRepo } from './opt-outs.ts';
import { openPostgresStore } from './postgres-store.ts';
import type { SettingsRepo } from './settings-repo.ts';
import { type GuildSettings, resolveDefaults, type SettingsPatch } from './settings-schema.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { UsageRepo } from './usage.ts';

export const STORE_FILE_NAME = 'bot.sqlite';

interface CommonOptions {
  /** Time source for usage days, handle ages and row timestamps; defaults to Date.now. */
  clock?: Clock;
  /** Overrides of the built-in defaults (e.g. a voice or persona from config); validated at open. */
  settingsDefaults?: SettingsPatch;
  /** SQLite: how long a statement waits for another process's write lock, in ms. */
  busyTimeoutMs?: number;
  /** How often other processes' changes are looked for (SQLite) or the server is pinged (PostgreSQL), ms. */
  watchIntervalMs?: number;
}

export type OpenStoreOptions =
  | (CommonOptions & { /** `<dataDir>/bot.sqlite`; the directory is created if missing. */ dataDir: string })
  | (CommonOptions & { /** An exact SQLite file path. */ path: string })
  | (CommonOptions & { /** postgres://user:password@host:port/database */ databaseUrl: string });

export interface StoreHealth {
  kind: Store['kind'];
  reachable: boolean;
  /** The schema version the database reports; null when it could not be asked. */
  schemaVersion: number | null;
  /** Round trip of one trivial query, ms; null when it failed. */
  latencyMs: number | null;
  /** Why it is unreachable, one line without secrets. */
  error?: string;
}

export interface StoreEvents {
  /** Someone's opt-out flipped, in this process or another (this process's memory now agrees). */
  optOut: [userId: string, optedOut: boolean];
  /** A cached guild's settings changed (the new value is in settings.current). */
  settings: [guildId: string];
  /** The database went away or came back. */
  reachable: [reachable: boolean];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the data lives, safe to log: the file path, or the URL without its password. */
  readonly location: string;
  /** Schema version of the database before this open migrated it (0 = new database). */
  readonly migratedFrom: number;
  /** The defaults every guild starts with. */
  readonly defaults: Readonly<GuildSettings>;
  readonly settings: SettingsRepo;
  readonly optOuts: OptOutsRepo;
  readonly usage: UsageRepo;
  readonly handles: HandlesRepo;
  /** Spaces gateway identifies per max_concurrency bucket across every process sharing the database. */
  readonly identify: IdentifySlots;
  readonly events: EventEmitter<StoreEvents>;
  /** Whether the database answered the last time it was asked (no waiting, for /healthz). */
  reachable(): boolean;
  /** Asks the database now. Never rejects. */
  health(): Promise<StoreHealth>;
  /** Closes the database; idempotent. Repositories must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) and migrates the store. Rejects with BotError STORE_TOO_NEW when the
 * database was written by a newer version of the bot, STORE_MIGRATION_FAILED, STORE_BAD_DEFAULTS,
 * or STORE_OPEN_FAILED (a directory that is not writable, a server that does not answer).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const clock = options.clock ?? { now: () => Date.now() };
  let defaults: Readonly<GuildSettings>;
  try {
    defaults = resolveDefaults(options.settingsDefaults);
  } catch (cause) {
    throw new BotError('STORE_BAD_DEFAULTS', `invalid settings default: ${(cause as Error).message}`, {
      cause,
    });
  }
  const common = {
    clock,
    defaults,
    ...(options.watchIntervalMs === undefined ? {} : { watchIntervalMs: options.watchIntervalMs }),
  };
  if ('databaseUrl' in options) return openPostgresStore({ ...common, url: options.databaseUrl });
  return openSqliteStore({
    ...common,
    path: 'path' in options ? options.path : join(options.dataDir, STORE_FILE_NAME),
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
}
