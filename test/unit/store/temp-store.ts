// Test helpers: the same store tests against SQLite (temp dir) and a real PostgreSQL (temp server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { Clock } from '../../../src/store/clock.ts';
import type { Param, Row } from '../../../src/store/sql-client.ts';
import { numberedPlaceholders } from '../../../src/store/sql-client-postgres.ts';
import { type OpenStoreOptions, openStore, STORE_FILE_NAME, type Store } from '../../../src/store/store.ts';
import { type PostgresServer, startPostgres } from '../../helpers/postgres-server.ts';

export interface TempDir {
  dir: string;
  remove(): void;
}

export function makeTempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(start: number | string): ManualClock {
  let now = typeof start === 'string' ? Date.parse(start) : start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

type Extra = Omit<Partial<OpenStoreOptions>, 'dataDir' | 'path' | 'databaseUrl'>;

/** One test's empty database, on either backend. */
export interface StoreTarget {
  readonly backend: Backend;
  /** What openStore needs to open this test's database, plus `extra`. */
  options(extra?: Extra): OpenStoreOptions;
  /** Raw SQL on this database (`?` parameters), to look at rows behind the store's back. */
  query(sql: string, params?: readonly Param[]): Promise<Row[]>;
  /** The PostgreSQL server (postgres backend only): stop/start it for outage tests. */
  readonly server: PostgresServer | null;
}

/**
 * `describe`s `body` once per backend. Each test gets an empty database: a temp directory for
 * SQLite, a new database on a PostgreSQL server started for this file (127.0.0.1, free port).
 */
export function describeBackends(
  title: string,
  body: (target: () => StoreTarget) => void,
  backends: readonly Backend[] = BACKENDS,
): void {
  describe.each(backends)(`${title} [%s]`, (backend) => {
    let server: PostgresServer | null = null;
    let current: StoreTarget;
    let cleanup: () => Promise<void> = async () => {};
    if (backend === 'postgres') {
      beforeAll(async () => {
        server = await startPostgres();
      }, 60_000);
      afterAll(async () => {
        await server?.destroy();
      });
    }
    beforeEach(async () => {
      if (backend === 'sqlite') {
        const tmp = makeTempDir();
        const path = join(tmp.dir, STORE_FILE_NAME);
        current = {
          backend,
          server: null,
          options: (extra = {}) => ({ ...extra, path }),
          query: async (sql, params = []) => {
            const db = new DatabaseSync(path);
            try {
              return db.prepare(sql).all(...(params as SQLInputValue[])) as Row[];
            } finally {
              db.close();
            }
          },
        };
        cleanup = async () => tmp.remove();
        return;
      }
      const pg = server as PostgresServer | null;
      if (pg === null) throw new Error('the PostgreSQL server did not start');
      const url = await pg.createDatabase();
      current = {
        backend,
        server: pg,
        options: (extra = {}) => ({ ...extra, databaseUrl: url }),
        query: async (sql, params = []) => {
          const client = postgres(url, { max: 1, onnotice: () => {} });
          try {
            return (await client.unsafe(numberedPlaceholders(sql), params as Param[])) as unknown as Row[];
          } finally {
            await client.end({ timeout: 0 });
          }
        },
      };
      cleanup = async () => {};
    });
    afterEach(async () => {
      await cleanup();
    });
    body(() => current);
  });
}

/**
 * A fresh store for each test of the calling `describeBackends`, on a manual clock starting at
 * `start`; closed after each test.
 */
export function useTempStore(
  target: () => StoreTarget,
  start: string,
): {
  store: () => Store;
  clock: () => ManualClock;
  /** Closes the store and opens the same database again (a bot restart). */
  reopen: () => Promise<Store>;
  /** A second store on the same database: another shard process or host. */
  another: (extra?: Extra) => Promise<Store>;
} {
  let clock: ManualClock;
  let store: Store;
  const others: Store[] = [];
  beforeEach(async () => {
    clock = manualClock(start);
    store = await openStore(target().options({ clock }));
  });
  afterEach(async () => {
    await Promise.all([store, ...others.splice(0)].map((s) => s.close()));
  });
  return {
    store: () => store,
    clock: () => clock,
    reopen: async () => {
      await store.close();
      store = await openStore(target().options({ clock }));
      return store;
    },
    another: async (extra = {}) => {
      const other = await openStore(target().options({ clock, ...extra }));
      others.push(other);
      return other;
    },
  };
}
