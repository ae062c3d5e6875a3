// Versioned schema migrations in code, for both databases; SQLite's are applied here (user_version).
import type { DatabaseSync } from 'node:sqlite';
import { BotError } from '../errors.ts';

export interface Migration {
  /** The schema version the database has once this migration ran (1, 2, 3, … in order). */
  version: number;
  description: string;
  /** Written for SQLite; `forPostgres` translates it for PostgreSQL. */
  sql: string;
}

/**
 * The migration for PostgreSQL: its INTEGER is 32-bit (ms timestamps need BIGINT, which is what
 * SQLite's INTEGER is), and WITHOUT ROWID is SQLite's storage hint, a primary key there already.
 */
export function forPostgres(migration: Migration): string {
  return migration.sql.replace(/\bINTEGER\b/g, 'BIGINT').replace(/\s+WITHOUT ROWID/g, '');
}

/** Append only: a shipped migration is never edited, a change is a new version. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    description: 'per-guild settings and global opt-outs',
    sql: `
      CREATE TABLE guild_settings (
        guild_id   TEXT    NOT NULL,
        key        TEXT    NOT NULL,
        value      TEXT    NOT NULL, -- JSON of the validated value
        updated_at INTEGER NOT NULL, -- ms since epoch
        PRIMARY KEY (guild_id, key)
      ) WITHOUT ROWID;
      CREATE TABLE opt_outs (
        user_id      TEXT    NOT NULL PRIMARY KEY,
        opted_out_at INTEGER NOT NULL -- ms since epoch
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'daily usage per guild',
    sql: `
      CREATE TABLE usage_daily (
        guild_id        TEXT    NOT NULL,
        day             TEXT    NOT NULL, -- UTC date, YYYY-MM-DD
        voice_ms        INTEGER NOT NULL DEFAULT 0 CHECK (voice_ms >= 0),
        prompt_tokens   INTEGER NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
        response_tokens INTEGER NOT NULL DEFAULT 0 CHECK (response_tokens >= 0),
        total_tokens    INTEGER NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
        PRIMARY KEY (guild_id, day)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'latest Live resumption handle per guild',
    sql: `
      CREATE TABLE resumption_handles (
        guild_id TEXT    NOT NULL PRIMARY KEY,
        handle   TEXT    NOT NULL,
        saved_at INTEGER NOT NULL -- ms since epoch
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description: 'when each gateway identify bucket is next free, shared by every host',
    sql: `
      CREATE TABLE identify_slots (
        bucket  INTEGER NOT NULL PRIMARY KEY, -- shard id % max_concurrency
        next_at INTEGER NOT NULL -- ms since epoch (database clock) before which nobody identifies
      ) WITHOUT ROWID;
    `,
  },
]);

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The version the migrations lead to; throws STORE_MIGRATION_ORDER when they are not 1, 2, 3, … */
export function checkedTarget(migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new BotError('STORE_MIGRATION_ORDER', `migration ${i + 1} has version ${m.version}`);
  });
  return migrations.length;
}

/** A database written by a newer bot is left alone: migrating it down would lose data. */
export function refuseNewer(from: number, target: number): void {
  if (from > target) {
    throw new BotError(
      'STORE_TOO_NEW',
      `database schema version ${from} is newer than this code understands (${target}); upgrade the bot`,
    );
  }
}

export function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get();
  return Number(row?.user_version ?? 0);
}

/**
 * Brings the database to the last migration's version in one IMMEDIATE transaction, so when
 * several shard processes open a fresh file at once, one migrates and the others wait (busy
 * timeout) and then find nothing left to do. Returns the version before and after.
 */
export function migrate(
  db: DatabaseSync,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  const target = checkedTarget(migrations);
  db.exec('BEGIN IMMEDIATE');
  try {
    const from = userVersion(db);
    refuseNewer(from, target);
    for (const migration of migrations.slice(from)) {
      try {
        db.exec(migration.sql);
      } catch (cause) {
        throw new BotError('STORE_MIGRATION_FAILED', `migration ${migration.version} failed`, { cause });
      }
    }
    // PRAGMA takes no bound parameters; target is an integer we computed.
    if (target !== from) db.exec(`PRAGMA user_version = ${target}`);
    db.exec('COMMIT');
    return { from, to: target };
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
