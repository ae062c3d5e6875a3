// Applies the shared migrations to PostgreSQL, version kept in store_schema, one host at a time.
import type { Sql } from 'postgres';
import { BotError } from '../errors.ts';
import { checkedTarget, forPostgres, MIGRATIONS, type Migration, refuseNewer } from './migrations.ts';

/** pg_advisory_xact_lock key for migrations: any constant no other lock of ours uses. */
export const MIGRATION_LOCK_KEY = 0x6d696772; // 'migr'

/** The schema version of a PostgreSQL database this bot has opened; 0 before the first open. */
export async function postgresSchemaVersion(sql: Sql): Promise<number> {
  const [table] = await sql`SELECT to_regclass('store_schema') IS NOT NULL AS present`;
  if (table?.present !== true) return 0;
  const [row] = await sql`SELECT version FROM store_schema`;
  return Number(row?.version ?? 0);
}

/**
 * Brings the database to the last version in one transaction. Hosts starting together queue on
 * an advisory lock, so one migrates and the others then find nothing left to do.
 */
export async function migratePostgres(
  sql: Sql,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ from: number; to: number }> {
  const target = checkedTarget(migrations);
  return (await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
    await tx`CREATE TABLE IF NOT EXISTS store_schema (version INTEGER NOT NULL)`;
    const [row] = await tx`SELECT version FROM store_schema`;
    if (row === undefined) await tx`INSERT INTO store_schema (version) VALUES (0)`;
    const from = Number(row?.version ?? 0);
    refuseNewer(from, target);
    for (const migration of migrations.slice(from)) {
      try {
        await tx.unsafe(forPostgres(migration));
      } catch (cause) {
        throw new BotError('STORE_MIGRATION_FAILED', `migration ${migration.version} failed`, { cause });
      }
    }
    if (target !== from) await tx`UPDATE store_schema SET version = ${target}`;
    return { from, to: target };
  })) as { from: number; to: number };
}
