import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { openStore, STORE_FILE_NAME } from '../../../src/store/store.ts';
import { makeTempDir, type TempDir } from './temp-store.ts';

const WRITER = join(import.meta.dirname, 'concurrent-writer.ts');
const ITERATIONS = 2_000;
const NOW = Date.parse('2026-05-10T12:00:00Z');
const WAIT_MS = 20_000;

interface Writer {
  child: ChildProcess;
  /** Resolves with the first stdout line starting with `prefix`; rejects on exit or after WAIT_MS. */
  waitFor(prefix: string): Promise<string>;
  exited: Promise<number | null>;
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function startWriter(path: string, label: string): Writer {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', WRITER, path, label, String(ITERATIONS), String(NOW)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const lines: string[] = [];
  const waiters = new Map<string, (line: string) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const [prefix, resolve] of waiters) if (line.startsWith(prefix)) resolve(line);
  });
  const find = (prefix: string) => lines.find((line) => line.startsWith(prefix));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    waitFor(prefix) {
      const already = find(prefix);
      if (already !== undefined) return Promise.resolve(already);
      const line = new Promise<string>((resolve, reject) => {
        waiters.set(prefix, resolve);
        void exited.then((code) => {
          if (find(prefix) === undefined)
            reject(new Error(`${label} exited (${code}) before "${prefix}": ${stderr}`));
        });
      });
      return within(line, `"${prefix}" from ${label}`);
    },
  };
}

describe('several processes sharing one store file', () => {
  let tmp: TempDir;
  let writers: Writer[] = [];
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(async () => {
    for (const w of writers) {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill();
        await w.exited;
      }
    }
    writers = [];
    tmp.remove();
  });

  it('GIVEN two child processes and this one writing at once to a new file THEN no increment is lost and the file is intact', async () => {
    const path = join(tmp.dir, STORE_FILE_NAME);
    // Both children create and migrate the same missing file at the same moment.
    writers = [startWriter(path, 'a'), startWriter(path, 'b')];
    await Promise.all(writers.map((w) => w.waitFor('ready')));

    const store = openStore({ path, clock: { now: () => NOW } });
    try {
      expect(store.migratedFrom).toBe(SCHEMA_VERSION);
      // Ending stdin also lets each child exit once it is done.
      for (const w of writers) w.child.stdin?.end('go\n');
      for (let i = 0; i < ITERATIONS; i++) {
        store.usage.add('guild-shared', {
          voiceSeconds: 1,
          promptTokens: 1,
          responseTokens: 2,
          totalTokens: 3,
        });
      }
      const windows = (await Promise.all(writers.map((w) => w.waitFor('done ')))).map((line) =>
        line.split(' ').slice(1).map(Number),
      );
      expect(await within(Promise.all(writers.map((w) => w.exited)), 'children to exit')).toEqual([0, 0]);

      // The two children's write windows overlap, so their writes really contended for the file.
      const [[startA, endA], [startB, endB]] = windows as [[number, number], [number, number]];
      expect(Math.min(endA, endB)).toBeGreaterThan(Math.max(startA, startB));

      const n = 3 * ITERATIONS;
      expect(store.usage.today('guild-shared')).toEqual({
        day: '2026-05-10',
        voiceSeconds: n,
        promptTokens: n,
        responseTokens: 2 * n,
        totalTokens: 3 * n,
      });
      expect(store.optOuts.has(`a-${ITERATIONS - 10}`)).toBe(true);
      expect(store.optOuts.has('b-0')).toBe(true);
      expect(store.settings.get('guild-shared').idleLeaveSeconds).toBe(ITERATIONS - 50);
      expect(['handle-a', 'handle-b']).toContain(store.handles.latest('guild-shared')?.handle);
    } finally {
      store.close();
    }

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
