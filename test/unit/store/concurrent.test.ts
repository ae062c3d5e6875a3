import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { openStore, STORE_FILE_NAME, type Store } from '../../../src/store/store.ts';
import { type NodeChild, startNodeChild } from '../../helpers/node-child.ts';
import { type PostgresServer, startPostgres } from '../../helpers/postgres-server.ts';
import { makeTempDir, type TempDir } from './temp-store.ts';

const WRITER = join(import.meta.dirname, 'concurrent-writer.ts');
const ITERATIONS = 2_000;
const NOW = Date.parse('2026-05-10T12:00:00Z');
const WAIT_MS = 20_000;

type Writer = NodeChild;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function startWriter(path: string, label: string): Writer {
  return startNodeChild({
    args: [WRITER, path, label, String(ITERATIONS), String(NOW)],
    stdin: true,
    name: `writer ${label}`,
  });
}

/** The writer's first stdout line starting with `prefix`; rejects if it exits first or after WAIT_MS. */
function lineFrom(writer: Writer, prefix: string): Promise<string> {
  return writer.waitForLine((line) => line.startsWith(prefix), `"${prefix}"`, WAIT_MS);
}

/** This process's share of the writes, all in flight at once like a busy shard. */
async function addAll(store: Store): Promise<void> {
  const delta = { voiceSeconds: 1, promptTokens: 1, responseTokens: 2, totalTokens: 3 };
  await Promise.all(Array.from({ length: ITERATIONS }, () => store.usage.add('guild-shared', delta)));
}

/**
 * Two child processes create and migrate the same missing database at the same moment, then all
 * three processes write at once; every increment must be there, and each writer's other writes.
 */
async function contend(target: string, spawned: Writer[]): Promise<void> {
  spawned.push(startWriter(target, 'a'), startWriter(target, 'b'));
  await Promise.all(spawned.map((w) => lineFrom(w, 'ready')));
  const clock = { now: () => NOW };
  const store = await openStore(
    target.startsWith('postgres://') ? { databaseUrl: target, clock } : { path: target, clock },
  );
  try {
    expect(store.migratedFrom).toBe(SCHEMA_VERSION);
    // Ending stdin also lets each child exit once it is done.
    for (const w of spawned) w.child.stdin?.end('go\n');
    await addAll(store);
    const windows = (await Promise.all(spawned.map((w) => lineFrom(w, 'done ')))).map((line) =>
      line.split(' ').slice(1).map(Number),
    );
    const exits = await within(Promise.all(spawned.map((w) => w.exited)), 'children to exit');
    expect(exits.map((exit) => exit.code)).toEqual([0, 0]);

    // The two children's write windows overlap, so their writes really contended.
    const [[startA, endA], [startB, endB]] = windows as [[number, number], [number, number]];
    expect(Math.min(endA, endB)).toBeGreaterThan(Math.max(startA, startB));

    const n = 3 * ITERATIONS;
    expect(await store.usage.today('guild-shared')).toEqual({
      day: '2026-05-10',
      voiceSeconds: n,
      promptTokens: n,
      responseTokens: 2 * n,
      totalTokens: 3 * n,
    });
    // Reopened, so the opt-outs are read back from the database, not this process's memory.
    const fresh = await openStore(
      target.startsWith('postgres://') ? { databaseUrl: target, clock } : { path: target, clock },
    );
    try {
      expect(fresh.optOuts.has(`a-${ITERATIONS - 10}`)).toBe(true);
      expect(fresh.optOuts.has('b-0')).toBe(true);
      expect((await fresh.settings.get('guild-shared')).idleLeaveSeconds).toBe(ITERATIONS - 50);
      expect(['handle-a', 'handle-b']).toContain((await fresh.handles.latest('guild-shared'))?.handle);
    } finally {
      await fresh.close();
    }
  } finally {
    await store.close();
  }
}

async function killAll(writers: Writer[]): Promise<void> {
  for (const w of writers.splice(0)) await w.kill();
}

describe('several processes sharing one store file', () => {
  let tmp: TempDir;
  const writers: Writer[] = [];
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(async () => {
    await killAll(writers);
    tmp.remove();
  });

  it('GIVEN two child processes and this one writing at once to a new file THEN no increment is lost and the file is intact', async () => {
    const path = join(tmp.dir, STORE_FILE_NAME);
    await contend(path, writers);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      expect(db.prepare('PRAGMA integrity_check').get()?.integrity_check).toBe('ok');
      expect(db.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
      expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(SCHEMA_VERSION);
      expect(db.prepare('SELECT count(*) AS n FROM opt_outs').get()?.n).toBe((2 * ITERATIONS) / 10);
    } finally {
      db.close();
    }
  });
});

describe('several hosts sharing one PostgreSQL', () => {
  let server: PostgresServer;
  const writers: Writer[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
  });
  afterEach(() => killAll(writers));

  it('GIVEN two child processes and this one writing at once to a new database THEN no increment is lost', async () => {
    const url = await server.createDatabase();
    await contend(url, writers);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`SELECT count(*)::int AS n FROM opt_outs`;
      expect(row?.n).toBe((2 * ITERATIONS) / 10);
    } finally {
      await sql.end({ timeout: 0 });
    }
  });
});
