// Runs the real bot entry (src/main.ts or src/shard-manager.ts) as a child process against the fakes.
import { fileURLToPath } from 'node:url';
import type { FakeDiscord } from '../fakes/fake-discord/index.ts';
import type { FakeGemini } from '../fakes/fake-gemini/index.ts';
import { type NodeChild, startNodeChild } from '../helpers/node-child.ts';
import { TEST_GEMINI_KEY } from './harness.ts';

/** The bot process: its JSON log lines (every shard's, for the manager), waits on them, and kill(). */
export type ChildBot = NodeChild;

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
  return startNodeChild({
    args: [script],
    nodeArgs,
    cwd,
    env,
    name: 'the bot process',
    ...(process.env.E2E_LOG ? { onLine: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  });
}
