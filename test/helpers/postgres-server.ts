// A real PostgreSQL server for tests: initdb in a temp dir, postgres on 127.0.0.1 and a free port.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort } from './wait.ts';

/** Debian's layout (`apt-get install postgresql`, done by .ci/run): /usr/lib/postgresql/<major>/bin. */
const DEBIAN_ROOT = '/usr/lib/postgresql';
/** A server that is not accepting connections this long after start is broken, not slow. */
const START_TIMEOUT_MS = 20_000;

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres — the admin database. */
  readonly adminUrl: string;
  readonly port: number;
  /** Creates an empty database and returns its URL (one per test keeps tests independent). */
  createDatabase(): Promise<string>;
  /** Stops the server, keeping its data (a database outage). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory; throws (never skips) when there is none. */
export function postgresBinDir(): string {
  const majors = existsSync(DEBIAN_ROOT)
    ? readdirSync(DEBIAN_ROOT)
        .filter((d) => existsSync(join(DEBIAN_ROOT, d, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const major = majors[0];
  if (major === undefined) {
    throw new Error(
      `PostgreSQL is not installed (nothing in ${DEBIAN_ROOT}/*/bin): run "apt-get install -y postgresql" (bash .ci/run does)`,
    );
  }
  return join(DEBIAN_ROOT, major, 'bin');
}

/** initdb and postgres refuse to run as root, so as root they run as the `postgres` user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const [initCmd, initArgs] = asServerUser(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | null = null;
  let log = '';
  let nextDb = 0;

  async function start(): Promise<void> {
    log = '';
    // fsync off: test data need not survive a power cut, and it saves seconds per file.
    const [cmd, args] = asServerUser(join(bin, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ]);
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.on('data', (c) => {
      log += String(c);
    });
    proc.stderr?.on('data', (c) => {
      log += String(c);
    });
    child = proc;
    const deadline = performance.now() + START_TIMEOUT_MS;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`postgres exited at start (${proc.exitCode}): ${log}`);
      const probe = postgres(adminUrl, { max: 1, connect_timeout: 1, onnotice: () => {} });
      try {
        await probe`SELECT 1`;
        return;
      } catch (error) {
        if (performance.now() > deadline)
          throw new Error(`postgres did not accept connections: ${log}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        await probe.end({ timeout: 0 });
      }
    }
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // SIGINT is PostgreSQL's "fast shutdown": clients are disconnected, the server exits. Sent to
    // the postmaster itself (its pid is line 1 of postmaster.pid): runuser does not pass it on.
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGINT');
    await exited;
  }

  await start();
  return {
    adminUrl,
    port,
    async createDatabase() {
      nextDb += 1;
      const name = `test_${process.pid}_${nextDb}`;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end({ timeout: 0 });
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
