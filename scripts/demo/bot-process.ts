// Runs the real bot as `npm start` does (same Node, same entry file), with a clean environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface BotExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  readonly pid: number | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<BotExit>;
  /** Null while it runs. */
  exit(): BotExit | null;
  /** SIGTERM (the bot's graceful shutdown), then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<BotExit>;
}

export interface BotProcessOptions {
  repoRoot: string;
  /** Working directory: NOT the repository, so a developer's own .env is never read by the demo. */
  cwd: string;
  /** The bot's whole environment (PATH and HOME are added); nothing else is inherited. */
  env: Record<string, string>;
  /** Every line the bot writes (JSON logs on stdout, anything on stderr). */
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
}

/** The bot's own graceful shutdown is bounded at 10 s (src/main.ts); give it a little more. */
const DEFAULT_GRACE_MS = 12_000;

export function startBotProcess(options: BotProcessOptions): BotProcess {
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  // Exactly the `start` script of package.json, run by the Node that runs this demo (Node 22 via npm).
  const child: ChildProcess = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', join(options.repoRoot, 'src', 'main.ts')],
    { cwd: options.cwd, env: { ...base, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of ['stdout', 'stderr'] as const) {
    let pending = '';
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') options.onLine(line, stream);
    });
  }
  let result: BotExit | null = null;
  const exited = new Promise<BotExit>((resolve) => {
    child.on('exit', (code, signal) => {
      result = { code, signal };
      resolve(result);
    });
  });
  return {
    pid: child.pid,
    exited,
    exit: () => result,
    async stop(graceMs = DEFAULT_GRACE_MS) {
      if (result) return result;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const done = await exited;
      clearTimeout(timer);
      return done;
    },
  };
}
