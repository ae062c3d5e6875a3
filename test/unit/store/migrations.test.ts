import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.ts';
import { MIGRATIONS, migrate, SCHEMA_VERSION, userVersion } from '../../../src/store/migrations.ts';
import { openStore, STORE_FILE_NAME } from '../../../src/store/store.ts';
import { makeTempDir, manualClock, type TempDir } from './temp-store.ts';
import { GUILD, USER } from './test-ids.ts';

const NOW = Date.parse('2026-05-10T12:00:00Z');

function tables(path: string): string[] {
  const db = new DatabaseSync(path);
  try {
    return db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => String(r.name));
  } finally {
    db.close();
  }
}

function pragma(path: string, name: string): unknown {
  const db = new DatabaseSync(path);
  try {
    return db.prepare(`PRAGMA ${name}`).get()?.[name];
  } finally {
    db.close();
  }
}

/** Writes a file as an older version of the bot left it: its migrations plus some data. */
function writeOldFile(path: string, version: number): void {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  migrate(db, MIGRATIONS.slice(0, version));
  if (version >= 1) {
    db.prepare('INSERT INTO guild_settings VALUES (?, ?, ?, ?)').run(GUILD, 'voiceName', '"Kore"', NOW);
    db.prepare('INSERT INTO opt_outs VALUES (?, ?)').run(USER, NOW);
  }
  if (version >= 2) {
    db.prepare('INSERT INTO usage_daily (guild_id, day, voice_ms, total_tokens) VALUES (?, ?, ?, ?)').run(
      GUILD,
      '2026-05-10',
      30_000,
      500,
    );
  }
  db.close();
}

describe('store migrations', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.remove());

  it('GIVEN an empty data directory THEN open creates a WAL file at the latest schema version', async () => {
    const store = await openStore({ dataDir: join(tmp.dir, 'nested', 'data') });
    await store.close();
    const path = join(tmp.dir, 'nested', 'data', STORE_FILE_NAME);
    expect(store.location).toBe(path);
    expect(store.migratedFrom).toBe(0);
    expect(SCHEMA_VERSION).toBe(4);
    expect(pragma(path, 'user_version')).toBe(SCHEMA_VERSION);
    expect(pragma(path, 'journal_mode')).toBe('wal');
    expect(tables(path)).toEqual([
      'guild_settings',
      'identify_slots',
      'opt_outs',
      'resumption_handles',
      'usage_daily',
    ]);
  });

  for (let version = 1; version < SCHEMA_VERSION; version++) {
    it(`GIVEN a version ${version} file with data THEN open upgrades it and keeps the data`, async () => {
      const path = join(tmp.dir, STORE_FILE_NAME);
      writeOldFile(path, version);
      expect(pragma(path, 'user_version')).toBe(version);

      const store = await openStore({ path, clock: manualClock(NOW) });
      try {
        expect(store.migratedFrom).toBe(version);
        expect((await store.settings.get(GUILD)).voiceName).toBe('Kore');
        expect(store.optOuts.has(USER)).toBe(true);
        await store.usage.add(GUILD, { voiceSeconds: 10, totalTokens: 100 });
        const expected =
          version >= 2 ? { voiceSeconds: 40, totalTokens: 600 } : { voiceSeconds: 10, totalTokens: 100 };
        expect(await store.usage.today(GUILD)).toMatchObject(expected);
        await store.handles.save(GUILD, 'handle-1');
        expect((await store.handles.latest(GUILD))?.handle).toBe('handle-1');
      } finally {
        await store.close();
      }
      expect(pragma(path, 'user_version')).toBe(SCHEMA_VERSION);
    });
  }

  it('GIVEN a file at the latest version THEN reopening changes nothing', async () => {
    const first = await openStore({ dataDir: tmp.dir });
    await first.settings.update(GUILD, { voiceName: 'Charon' });
    await first.close();
    const second = await openStore({ dataDir: tmp.dir });
    expect(second.migratedFrom).toBe(SCHEMA_VERSION);
    expect((await second.settings.get(GUILD)).voiceName).toBe('Charon');
    await second.close();
  });

  it('GIVEN a file written by a newer bot THEN open fails with STORE_TOO_NEW and leaves it alone', async () => {
    const path = join(tmp.dir, STORE_FILE_NAME);
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await expect(openStore({ path })).rejects.toThrowError(
      expect.objectContaining({ code: 'STORE_TOO_NEW' }),
    );
    expect(pragma(path, 'user_version')).toBe(SCHEMA_VERSION + 1);
    expect(tables(path)).toEqual([]);
  });

  it('GIVEN a migration that fails THEN every migration of that open is rolled back', async () => {
    const db = new DatabaseSync(':memory:');
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      { version: 2, description: 'broken', sql: 'SELECT * FROM nowhere' },
    ];
    let error: unknown;
    try {
      migrate(db, broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('STORE_MIGRATION_FAILED');
    expect(userVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()?.n).toBe(0);
    expect(db.isTransaction).toBe(false);
    db.close();
  });

  it('GIVEN migrations out of order THEN migrate refuses before touching the file', async () => {
    const db = new DatabaseSync(':memory:');
    const shuffled = [MIGRATIONS[1]!, MIGRATIONS[0]!];
    expect(() => migrate(db, shuffled)).toThrowError(
      expect.objectContaining({ code: 'STORE_MIGRATION_ORDER' }),
    );
    expect(userVersion(db)).toBe(0);
    db.close();
  });

  it('GIVEN a data directory that cannot be created THEN open fails with STORE_OPEN_FAILED', async () => {
    const file = join(tmp.dir, 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(openStore({ dataDir: join(file, 'data') })).rejects.toThrowError(
      expect.objectContaining({ code: 'STORE_OPEN_FAILED' }),
    );
  });

  it('GIVEN an invalid settings default THEN open fails with STORE_BAD_DEFAULTS', async () => {
    await expect(
      openStore({ dataDir: tmp.dir, settingsDefaults: { idleLeaveSeconds: -5 } }),
    ).rejects.toThrowError(expect.objectContaining({ code: 'STORE_BAD_DEFAULTS' }));
  });

  it('GIVEN a closed store THEN closing again is harmless and repositories refuse to run', async () => {
    const store = await openStore({ dataDir: tmp.dir });
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.optOuts.add(USER)).rejects.toThrow();
  });
});
