// Versioned schema migrations, defined in code and tracked in PRAGMA user_version.
import type { DatabaseSync } from 'node:sqlite';
import { BotError } from '../errors.ts';

export interface Migration {
  /** The user_version the database has once this migration ran (1, 2, 3, … in order). */
  version: number;
  description: string;
  sql: string;
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
]);

export const SCHEMA_VERSION = MIGRATIONS.length;

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
  const target = migrations.length;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new BotError('STORE_MIGRATION_ORDER', `migration ${i + 1} has version ${m.version}`);
  });
  db.exec('BEGIN IMMEDIATE');
  try {
    const from = userVersion(db);
    if (from > target) {
      throw new BotError(
        'STORE_TOO_NEW',
        `database schema version ${from} is newer than this code understands (${target}); upgrade the bot`,
      );
    }
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
