// Starts the real bot in-process against the fake Discord and fake Gemini, and tears it all down.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type BotOptions, type RunningBot, startBot } from '../../src/bot.ts';
import { type Config, parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  type GuildView,
  startFakeDiscord,
} from '../fakes/fake-discord/index.ts';
import { type FakeGemini, type FakeGeminiOptions, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { perTest } from '../helpers/per-test.ts';
import { until } from '../helpers/wait.ts';

/** Shaped like a real token so config validation accepts it; it only ever reaches the fake. */
export const TEST_DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gfake1.fake-token-used-only-by-tests';
export const TEST_GEMINI_KEY = 'AIzaFakeKeyUsedOnlyByTheTests0123456789';

export interface BotWorld {
  discord: FakeDiscord;
  gemini: FakeGemini;
  bot: RunningBot;
  config: Config;
  guild: GuildView;
  /** Every log line the bot wrote (JSON), to check that secrets never appear. */
  logLines: string[];
  dataDir: string;
  /** Stops the bot (as SIGTERM would) and then the fakes; idempotent. */
  stop(): Promise<void>;
  /** Stops only the bot and starts a new one on the same data directory (a restart). */
  restartBot(): Promise<RunningBot>;
}

export interface WorldOptions {
  discord?: Omit<FakeDiscordOptions, 'token'>;
  gemini?: Omit<FakeGeminiOptions, 'apiKey'>;
  env?: Record<string, string>;
  /** Test hooks for the bot (extra tools, usage meter interval); kept across restartBot(). */
  bot?: BotOptions;
}

export async function startWorld(options: WorldOptions = {}): Promise<BotWorld> {
  // @discordjs/voice hard-codes wss:// for the voice gateway; the fake's certificate is self-signed.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const discord = await startFakeDiscord({ ...options.discord, token: TEST_DISCORD_TOKEN });
  const gemini = await startFakeGemini({ ...options.gemini, apiKey: TEST_GEMINI_KEY });
  const dataDir = await mkdtemp(join(tmpdir(), 'bot-e2e-'));
  const config = parseConfig({
    DISCORD_TOKEN: TEST_DISCORD_TOKEN,
    GEMINI_API_KEY: TEST_GEMINI_KEY,
    DISCORD_API_URL: discord.restUrl,
    GEMINI_BASE_URL: gemini.baseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      if (process.env.E2E_LOG) process.stderr.write(chunk);
      done();
    },
  });
  const log = createLogger({ level: 'debug', secrets: [TEST_DISCORD_TOKEN, TEST_GEMINI_KEY], destination });
  const launch = async () => {
    const bot = await startBot(config, log, options.bot);
    await until(() => discord.commands.global.some((c) => c.name === 'join'), 'slash command registration');
    return bot;
  };
  let bot = await launch();
  let stopped: Promise<void> | undefined;
  return {
    discord,
    gemini,
    get bot() {
      return bot;
    },
    config,
    guild: discord.guild(),
    logLines,
    dataDir,
    stop() {
      stopped ??= (async () => {
        await bot.stop('test finished');
        await gemini.stop();
        await discord.stop();
        await rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
    async restartBot() {
      await bot.stop('restart');
      bot = await launch();
      return bot;
    },
  };
}

/**
 * One world per test, stopped after it: `const worlds = useBotWorld()` at the top of a test file
 * registers the afterEach, and `await worlds.start(options)` inside a test starts the world.
 */
export function useBotWorld(): { start(options?: WorldOptions): Promise<BotWorld> } {
  return perTest((options?: WorldOptions) => startWorld(options));
}

/**
 * The usual opening of a voice test: `name` joins the guild's first voice channel and runs /join;
 * resolves once the bot answered and Gemini's session is set up.
 */
export async function joinAndListen(w: BotWorld, name = 'alice') {
  const human = w.discord.human(name);
  const vc = w.guild.voice();
  await human.joinVoice(vc);
  const reply = await human.slash('join');
  const conn = await w.gemini.nextSession(10_000);
  const text = await reply.text(10_000);
  return { human, alice: human, vc, reply, text, conn };
}
