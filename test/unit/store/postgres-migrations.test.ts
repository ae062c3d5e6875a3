// The shared migrations on a real PostgreSQL: fresh, upgraded, refused, rolled back, concurrent.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { migratePostgres } from '../../../src/store/postgres-migrations.ts';
import { openStore } from '../../../src/store/store.ts';
import { type PostgresServer, startPostgres } from '../../helpers/postgres-server.ts';
import { freePort } from '../../helpers/wait.ts';
import { GUILD, USER } from './test-ids.ts';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.destroy();
});

async function withSql<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 0 });
  }
}

const tables = (url: string) =>
  withSql(url, async (sql) =>
    (await sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`).map((r) =>
      String(r.tablename),
    ),
  );
const version = (url: string) =>
  withSql(url, async (sql) => Number((await sql`SELECT version FROM store_schema`)[0]?.version));

describe('PostgreSQL migrations', () => {
  it('GIVEN an empty database THEN open creates every table at the latest version', async () => {
    const url = await server.createDatabase();
    const store = await openStore({ databaseUrl: url });
    expect(store.migratedFrom).toBe(0);
    expect(store.kind).toBe('postgres');
    await store.close();
    expect(await version(url)).toBe(SCHEMA_VERSION);
    expect(await tables(url)).toEqual([
      'guild_settings',
      'identify_slots',
      'opt_outs',
      'resumption_handles',
      'store_schema',
      'usage_daily',
    ]);
  });

  it('GIVEN the translated migrations THEN every ms and counter column is 64-bit', async () => {
    const url = await server.createDatabase();
    await (await openStore({ databaseUrl: url })).close();
    const types = await withSql(
      url,
      (sql) => sql`SELECT table_name, column_name, data_type FROM information_schema.columns
                   WHERE table_schema = 'public' AND data_type <> 'text' AND table_name <> 'store_schema'
                   ORDER BY table_name, column_name`,
    );
    expect(types.map((r) => `${r.table_name}.${r.column_name} ${r.data_type}`)).toEqual([
      'guild_settings.updated_at bigint',
      'identify_slots.bucket bigint',
      'identify_slots.next_at bigint',
      'opt_outs.opted_out_at bigint',
      'resumption_handles.saved_at bigint',
      'usage_daily.prompt_tokens bigint',
      'usage_daily.response_tokens bigint',
      'usage_daily.total_tokens bigint',
      'usage_daily.voice_ms bigint',
    ]);
  });

  for (let from = 1; from < SCHEMA_VERSION; from++) {
    it(`GIVEN a version ${from} database with data THEN open upgrades it and keeps the data`, async () => {
      const url = await server.createDatabase();
      await withSql(url, async (sql) => {
        await migratePostgres(sql, MIGRATIONS.slice(0, from));
        await sql`INSERT INTO guild_settings VALUES (${GUILD}, 'voiceName', '"Kore"', 0)`;
        await sql`INSERT INTO opt_outs VALUES (${USER}, 0)`;
      });
      const store = await openStore({ databaseUrl: url });
      try {
        expect(store.migratedFrom).toBe(from);
        expect((await store.settings.get(GUILD)).voiceName).toBe('Kore');
        expect(store.optOuts.has(USER)).toBe(true);
        await store.handles.save(GUILD, 'h');
        expect((await store.handles.latest(GUILD))?.handle).toBe('h');
      } finally {
        await store.close();
      }
      expect(await version(url)).toBe(SCHEMA_VERSION);
    });
  }

  it('GIVEN a database written by a newer bot THEN open fails with STORE_TOO_NEW and changes nothing', async () => {
    const url = await server.createDatabase();
    await withSql(url, async (sql) => {
      await sql`CREATE TABLE store_schema (version INTEGER NOT NULL)`;
      await sql`INSERT INTO store_schema VALUES (${SCHEMA_VERSION + 1})`;
    });
    await expect(openStore({ databaseUrl: url })).rejects.toThrowError(
      expect.objectContaining({ code: 'STORE_TOO_NEW' }),
    );
    expect(await tables(url)).toEqual(['store_schema']);
    expect(await version(url)).toBe(SCHEMA_VERSION + 1);
  });

  it('GIVEN a migration that fails THEN the whole open is rolled back', async () => {
    const url = await server.createDatabase();
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      { version: 2, description: 'broken', sql: 'SELECT * FROM nowhere' },
    ];
    await expect(withSql(url, (sql) => migratePostgres(sql, broken))).rejects.toThrowError(
      expect.objectContaining({ code: 'STORE_MIGRATION_FAILED' }),
    );
    expect(await tables(url)).toEqual([]);
  });

  it('GIVEN three hosts opening one empty database at once THEN one migrates and all open', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => openStore({ databaseUrl: url })));
    expect(stores.map((s) => s.migratedFrom).sort()).toEqual([0, SCHEMA_VERSION, SCHEMA_VERSION]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('GIVEN no server at the URL THEN open fails with STORE_OPEN_FAILED naming the host, never the password', async () => {
    const url = `postgres://bot:hunter2secret@127.0.0.1:${await freePort()}/bot`;
    const error = (await openStore({ databaseUrl: url }).then(
      () => new Error('opened'),
      (e: unknown) => e,
    )) as Error & { code?: string };
    expect(error).toMatchObject({ code: 'STORE_OPEN_FAILED' });
    expect(error.message).toMatch(
      /^cannot reach the database at postgres:\/\/bot:\*\*\*@127\.0\.0\.1:\d+\/bot \(/,
    );
    expect(error.message).not.toContain('hunter2secret');
  });
});
