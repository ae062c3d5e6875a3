// Doctor check of the data directory: writable, and the database opens and is migrated.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { openStore, SCHEMA_VERSION } from '../store/index.ts';
import { type CheckResult, fail, ok } from './check.ts';

export function checkDataDir(config: Pick<Config, 'DATA_DIR' | 'GEMINI_VOICE'>): CheckResult {
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
  try {
    const store = openStore({ dataDir: dir, settingsDefaults: { voiceName: config.GEMINI_VOICE } });
    const from = store.migratedFrom;
    store.close();
    const state =
      from === SCHEMA_VERSION ? 'up to date' : from === 0 ? 'created now' : `migrated now from v${from}`;
    return ok(name, `writable; database schema v${SCHEMA_VERSION} (${state})`);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'STORE_OPEN_FAILED';
    return fail(
      name,
      `the database does not open (${code}: ${(error as Error).message})`,
      code === 'STORE_TOO_NEW'
        ? 'this database was written by a newer version of the bot: update the bot (git pull, npm ci)'
        : 'check the disk and the file bot.sqlite in DATA_DIR; move it aside to start with a fresh database',
    );
  }
}
