// Runs the real bot entry (src/main.ts or src/shard-manager.ts) as a child process against the fakes.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeDiscord } from '../fakes/fake-discord/index.ts';
import type { FakeGemini } from '../fakes/fake-gemini/index.ts';
import { TEST_GEMINI_KEY } from './harness.ts';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  atMs: number;
}

export interface ChildBot {
  readonly child: ChildProcess;
  /** Parsed JSON log lines from stdout (every shard's, for the manager). */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<ChildExit>;
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<void>;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves when it exited. */
  kill(graceMs?: number): Promise<ChildExit>;
}

/** The environment a bot process needs to reach the fakes (and nothing from the test's env). */
export function botEnv(discord: FakeDiscord, gemini: FakeGemini, dataDir: string): Record<string, string> {
  return {
    ...discord.childEnv(),
    GEMINI_API_KEY: TEST_GEMINI_KEY,
    GEMINI_BASE_URL: gemini.baseUrl,
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    PATH: process.env.PATH ?? '',
  };
}

/**
 * Starts `entry` (relative to the repo root) on this Node, with `cwd` (no stray .env is read there);
 * `nodeArgs` go before the script (e.g. `--import` of a test-only fault hook).
 */
export function startChildBot(
  entry: string,
  env: Record<string, string>,
  cwd: string,
  nodeArgs: readonly string[] = [],
): ChildBot {
  const script = fileURLToPath(new URL(`../../${entry}`, import.meta.url));
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...nodeArgs, script], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (process.env.E2E_LOG) process.stderr.write(`${line}\n`);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (process.env.E2E_LOG) process.stderr.write(chunk);
  });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal, atMs: performance.now() });
      for (const wake of waiters) wake();
    });
  });

  return {
    child,
    logs,
    exited,
    waitForLog(predicate, what, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (logs.some(predicate)) {
            done();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`the bot process exited before ${what}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async kill(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}
