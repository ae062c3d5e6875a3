// The doctor's database line: SQLite in DATA_DIR, or PostgreSQL reachable / unreachable / too new.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStore } from '../../../src/doctor/store-check.ts';
import { SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { type PostgresServer, startPostgres } from '../../helpers/postgres-server.ts';
import { freePort } from '../../helpers/wait.ts';

const BASE = { GEMINI_VOICE: 'Puck' as const, DATABASE_URL: undefined };

let server: PostgresServer;
let dataDir: string;
beforeAll(async () => {
  server = await startPostgres();
  dataDir = await mkdtemp(join(tmpdir(), 'doctor-store-'));
}, 60_000);
afterAll(async () => {
  await server?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

describe('doctor database check', () => {
  it('GIVEN no DATABASE_URL THEN it checks SQLite in DATA_DIR, with the schema version and round trip', async () => {
    const first = await checkStore({ ...BASE, DATA_DIR: dataDir });
    expect(first).toMatchObject({ status: 'ok', name: `Data directory ${dataDir}` });
    expect(first.detail).toMatch(
      new RegExp(
        `^writable; reachable; database schema v${SCHEMA_VERSION} \\(created now\\); \\d+\\.\\d ms round trip$`,
      ),
    );
    expect((await checkStore({ ...BASE, DATA_DIR: dataDir })).detail).toContain('(up to date)');
  });

  it('GIVEN a reachable PostgreSQL THEN ✓ with the URL without its password, the schema version and the round trip', async () => {
    const url = (await server.createDatabase()).replace('postgres@', 'postgres:not-checked-with-trust@');
    const result = await checkStore({ ...BASE, DATA_DIR: dataDir, DATABASE_URL: url });
    expect(result.status).toBe('ok');
    expect(result.name).toMatch(/^PostgreSQL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/test_/);
    expect(result.detail).toMatch(
      new RegExp(
        `^reachable; database schema v${SCHEMA_VERSION} \\(created now\\); \\d+\\.\\d ms round trip$`,
      ),
    );
    expect(JSON.stringify(result)).not.toContain('not-checked-with-trust');
  });

  it('GIVEN no PostgreSQL at the URL THEN ✗ with a fix naming DATABASE_URL, and no password', async () => {
    const url = `postgres://bot:hunter2secret@127.0.0.1:${await freePort()}/bot`;
    const result = await checkStore({ ...BASE, DATA_DIR: dataDir, DATABASE_URL: url });
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(
      /^the database does not open \(STORE_OPEN_FAILED: cannot reach the database at /,
    );
    expect(result.fix).toMatch(/^check DATABASE_URL/);
    expect(JSON.stringify(result)).not.toContain('hunter2secret');
  });

  it('GIVEN a PostgreSQL written by a newer bot THEN ✗ telling to update the bot', async () => {
    const url = await server.createDatabase();
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`CREATE TABLE store_schema (version INTEGER NOT NULL)`;
    await sql`INSERT INTO store_schema VALUES (${SCHEMA_VERSION + 1})`;
    await sql.end({ timeout: 0 });
    const result = await checkStore({ ...BASE, DATA_DIR: dataDir, DATABASE_URL: url });
    expect(result).toMatchObject({ status: 'fail' });
    expect(result.fix).toContain('newer version of the bot');
  });
});
