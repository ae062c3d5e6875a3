// Runs the real bot as `npm start` does (same Node, same entry file), with a clean environment.
import { join } from 'node:path';
import { type ChildExit, startNodeChild } from '../../test/helpers/node-child.ts';

export type BotExit = ChildExit;

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
  const bot = startNodeChild({
    args: [join(options.repoRoot, 'src', 'main.ts')],
    cwd: options.cwd,
    env: { ...base, ...options.env },
    name: 'the bot process',
    onLine: options.onLine,
  });
  return {
    pid: bot.child.pid,
    exited: bot.exited,
    exit: () => bot.exit(),
    stop: (graceMs = DEFAULT_GRACE_MS) => bot.kill(graceMs),
  };
}
