// Doctor check of the database: SQLite in a writable DATA_DIR, or a reachable, migrated PostgreSQL.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { type OpenStoreOptions, openStore, SCHEMA_VERSION } from '../store/index.ts';
import { redactedUrl } from '../store/postgres-store.ts';
import { type CheckResult, fail, ok, withTimeout } from './check.ts';

/** Opening includes connecting and migrating; a server that needs longer is not healthy. */
const OPEN_TIMEOUT_MS = 15_000;

type StoreConfig = Pick<Config, 'DATA_DIR' | 'GEMINI_VOICE' | 'DATABASE_URL'>;

export async function checkStore(config: StoreConfig): Promise<CheckResult> {
  if (config.DATABASE_URL !== undefined) {
    return openAndAsk(`PostgreSQL ${redactedUrl(config.DATABASE_URL)}`, {
      databaseUrl: config.DATABASE_URL,
      settingsDefaults: { voiceName: config.GEMINI_VOICE },
    });
  }
  const dir = resolve(config.DATA_DIR);
  const name = `Data directory ${dir}`;
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (error) {
    return fail(
      name,
      `not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'set DATA_DIR to a directory the bot user can write, or fix its owner/permissions',
    );
  }
  const result = await openAndAsk(name, {
    dataDir: dir,
    settingsDefaults: { voiceName: config.GEMINI_VOICE },
  });
  return result.status === 'ok' ? { ...result, detail: `writable; ${result.detail}` } : result;
}

async function openAndAsk(name: string, options: OpenStoreOptions): Promise<CheckResult> {
  const postgres = 'databaseUrl' in options;
  try {
    const store = await withTimeout(openStore(options), OPEN_TIMEOUT_MS, 'opening the database');
    const from = store.migratedFrom;
    const health = await store.health();
    await store.close();
    if (!health.reachable) throw new Error(health.error ?? 'not reachable');
    const state =
      from === SCHEMA_VERSION ? 'up to date' : from === 0 ? 'created now' : `migrated now from v${from}`;
    const latency = `${(health.latencyMs ?? 0).toFixed(1)} ms round trip`;
    return ok(name, `reachable; database schema v${health.schemaVersion} (${state}); ${latency}`);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'STORE_OPEN_FAILED';
    return fail(
      name,
      `the database does not open (${code}: ${(error as Error).message})`,
      code === 'STORE_TOO_NEW'
        ? 'this database was written by a newer version of the bot: update the bot (git pull, npm ci)'
        : postgres
          ? 'check DATABASE_URL (host, port, user, password, database name) and that PostgreSQL accepts connections from this host'
          : 'check the disk and the file bot.sqlite in DATA_DIR; move it aside to start with a fresh database',
    );
  }
}
