// Starting and stopping the real bot process: config errors, bad token, command registration, SIGTERM.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord/index.ts';
import { startNodeChild } from '../helpers/node-child.ts';
import { until } from '../helpers/wait.ts';
import { type BotWorld, startWorld, TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from './harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the bot exactly as `npm start` does, with only the given environment, until it exits. */
async function runBotProcess(env: Record<string, string>, cwd = ROOT): Promise<Exit> {
  const bot = startNodeChild({
    args: [join(ROOT, 'src/main.ts')],
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const exit = await bot.finished;
  return { code: exit.code, stdout: bot.stdout, stderr: bot.stderr, ms: exit.atMs - bot.startedAtMs };
}

let world: BotWorld | null = null;
let discord: FakeDiscord | null = null;
let dataDir: string | null = null;
afterEach(async () => {
  await world?.stop();
  await discord?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  world = null;
  discord = null;
  dataDir = null;
});

describe('starting the bot', () => {
  it('GIVEN no credentials THEN it exits 1 within seconds naming both variables, without a stack trace', async () => {
    // An empty working directory: no .env to pick up.
    dataDir = await mkdtemp(join(tmpdir(), 'bot-noenv-'));
    const { code, stderr, ms } = await runBotProcess({}, dataDir);
    expect(code).toBe(1);
    expect(ms).toBeLessThan(5_000);
    expect(stderr).toContain('DISCORD_TOKEN is missing');
    expect(stderr).toContain('GEMINI_API_KEY is missing');
    expect(stderr).toContain('.env.example');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('GIVEN a token Discord rejects THEN it exits 1 with one sentence and never prints the token', async () => {
    discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN });
    dataDir = await mkdtemp(join(tmpdir(), 'bot-badtoken-'));
    const wrong = 'MTExMTExMTExMTExMTExMTEx.Gwrong.this-token-is-not-the-right-one';
    const exit = await runBotProcess({
      ...discord.childEnv(),
      DISCORD_TOKEN: wrong,
      GEMINI_API_KEY: TEST_GEMINI_KEY,
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
    });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('Discord rejected DISCORD_TOKEN');
    expect(exit.stdout + exit.stderr).not.toContain(wrong);
    expect(exit.stdout + exit.stderr).not.toContain(TEST_GEMINI_KEY);
  });

  it('GIVEN a restart with unchanged commands THEN they are registered once and not overwritten again', async () => {
    world = await startWorld();
    const puts = () =>
      world?.discord.rest.calls.filter((c) => c.method === 'PUT' && c.path.includes('/commands')) ?? [];
    expect(puts()).toHaveLength(1);
    const names = world.discord.commands.global.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['join', 'leave', 'config', 'optout', 'optin', 'usage', 'tools']),
    );
    // A second start on the same application sees the same commands and leaves them alone.
    await world.restartBot();
    // The second start decides (and logs) that nothing needs registering; only then count PUTs.
    await until(
      () =>
        (world?.logLines.filter((l) => l.includes('slash commands already up to date')).length ?? 0) === 1,
      'the second start to find its commands registered',
    );
    expect(puts()).toHaveLength(1);
  });
});
