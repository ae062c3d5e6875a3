// SIGTERM or a crash on a real bot process mid-conversation: notice, exit within 10 s, the handle survives.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord/index.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { freePort, until } from '../helpers/wait.ts';
import { botEnv, type ChildBot, startChildBot } from './child-bot.ts';
import { TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from './harness.ts';

const SHUTDOWN_LIMIT_MS = 10_000;
/** Preloaded into a child bot: SIGUSR2 then throws (or rejects) the way a bug would. */
const FAULT_HOOK = ['--import', fileURLToPath(new URL('./fault-hook.ts', import.meta.url))];

interface StartOptions {
  env?: Record<string, string>;
  nodeArgs?: readonly string[];
}

const bots: ChildBot[] = [];
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.kill();
  await cleanup?.();
  cleanup = null;
});

async function world(): Promise<{
  discord: FakeDiscord;
  gemini: FakeGemini;
  start: (options?: StartOptions) => Promise<ChildBot>;
}> {
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN });
  const gemini = await startFakeGemini({ apiKey: TEST_GEMINI_KEY });
  const dataDir = await mkdtemp(join(tmpdir(), 'bot-shutdown-'));
  cleanup = async () => {
    await gemini.stop();
    await discord.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const start = async (options: StartOptions = {}) => {
    const env = { ...botEnv(discord, gemini, dataDir), ...options.env };
    const bot = startChildBot('src/main.ts', env, dataDir, options.nodeArgs);
    bots.push(bot);
    await bot.waitForLog((l) => l.msg === 'logged in to Discord', 'login', 30_000);
    return bot;
  };
  return { discord, gemini, start };
}

/** alice joins and speaks, Gemini sends a handle and then a 3 s answer the bot is playing. */
async function answering(discord: FakeDiscord, gemini: FakeGemini) {
  const guild = discord.guild();
  const alice = discord.human('alice');
  await alice.joinVoice(guild.voice());
  await (await alice.slash('join')).text(15_000);
  const conn = await gemini.nextSession(15_000);
  await alice.say(tone(440, 600));
  await conn.waitForInputEnd(1, 10_000);
  const handle = conn.sendResumptionHandle();
  // Sent after the handle on the same socket: once the bot plays it, it has seen the handle.
  void conn.sendAudio(geminiAnswer(600, 3_000), { chunkMs: 100 });
  const capture = discord.botAudioIn(guild);
  await capture.until((c) => c.audioMs() >= 300, 10_000);
  return { guild, alice, conn, handle };
}

describe('graceful shutdown', () => {
  it('GIVEN SIGTERM while the bot answers THEN a restart notice, voice left, exit 0 within 10 s, and the next /join resumes', async () => {
    const { discord, gemini, start } = await world();
    const bot = await start();
    const { guild, alice, conn, handle } = await answering(discord, gemini);

    const signalledAt = performance.now();
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;
    console.info(`SIGTERM → exit ${exit.code} in ${Math.round(exit.atMs - signalledAt)} ms`);
    expect(exit.code).toBe(0);
    expect(exit.atMs - signalledAt).toBeLessThan(SHUTDOWN_LIMIT_MS);
    const notice = discord.messagesIn(guild.text()).find((m) => m.content.includes('restarting'));
    expect(notice?.content).toContain('/join to continue');
    expect(discord.botVoiceState(guild)?.channelId ?? null).toBeNull();
    // The SDK closes without a status code (1005) or with a normal closure (1000).
    expect([1000, 1005]).toContain((await conn.waitForClose(5_000)).code);

    await start();
    await alice.slash('join');
    const resumed = await gemini.nextSession(15_000);
    const resumption = resumed.setup?.sessionResumption as { handle?: string } | undefined;
    expect(resumption?.handle).toBe(handle);
    expect(resumed.session).toBe(conn.session);
    discord.assertNoFailures();
  });

  it('GIVEN an uncaught exception while the bot answers THEN the same notice, exit 1 within 10 s, and after a restart /join resumes', async () => {
    const { discord, gemini, start } = await world();
    const bot = await start({ env: { FAULT_HOOK: 'exception' }, nodeArgs: FAULT_HOOK });
    const { guild, alice, conn, handle } = await answering(discord, gemini);

    const crashedAt = performance.now();
    bot.child.kill('SIGUSR2');
    const exit = await bot.exited;
    expect(exit.code).toBe(1);
    expect(exit.atMs - crashedAt).toBeLessThan(SHUTDOWN_LIMIT_MS);
    const fatal = bot.logs.find((l) => l.msg?.toString().startsWith('uncaught exception'));
    expect(fatal?.level).toBe(60);
    expect(JSON.stringify(fatal)).toContain('injected fault: a bug thrown from a timer');
    expect(fatal).toMatchObject({ fault: 'uncaughtException', sessions: 1 });
    expect(bot.logs.map((l) => JSON.stringify(l)).join('\n')).not.toContain(TEST_GEMINI_KEY);
    const notice = discord.messagesIn(guild.text()).find((m) => m.content.includes('restarting'));
    expect(notice?.content).toContain('/join to continue');
    expect(discord.botVoiceState(guild)?.channelId ?? null).toBeNull();

    // A supervisor restarts it at once; the first /join resumes and the conversation goes on.
    await start();
    const loggedInAt = performance.now();
    const joinReply = await alice.slash('join');
    const resumed = await gemini.nextSession(15_000);
    await joinReply.text(15_000);
    const backAt = performance.now();
    expect((resumed.setup?.sessionResumption as { handle?: string } | undefined)?.handle).toBe(handle);
    expect(resumed.session).toBe(conn.session);
    await alice.say(tone(500, 600));
    await resumed.waitForInputEnd(1, 10_000);
    console.info(
      `uncaught exception → exit ${Math.round(exit.atMs - crashedAt)} ms; restart → logged in ` +
        `${Math.round(loggedInAt - exit.atMs)} ms; /join → resumed ${Math.round(backAt - loggedInAt)} ms; ` +
        `without the bot ${Math.round(backAt - crashedAt)} ms in all (restart and /join at once)`,
    );
    discord.assertNoFailures();
  });

  it('GIVEN an unhandled rejection THEN it is logged and counted, and the bot keeps serving', async () => {
    const { discord, gemini, start } = await world();
    const port = await freePort();
    const bot = await start({
      env: { FAULT_HOOK: 'rejection', METRICS_PORT: String(port) },
      nodeArgs: FAULT_HOOK,
    });
    const guild = discord.guild();
    const alice = discord.human('alice');
    await alice.joinVoice(guild.voice());
    await (await alice.slash('join')).text(15_000);
    const conn = await gemini.nextSession(15_000);

    bot.child.kill('SIGUSR2');
    await bot.waitForLog((l) => l.msg === 'unhandled promise rejection', 'the rejection log line');
    await alice.say(tone(440, 600));
    await conn.waitForInputEnd(1, 10_000);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('voicebot_process_faults_total{fault="unhandledRejection"} 1');
    expect(bot.child.exitCode).toBeNull();
    const line = bot.logs.find((l) => l.msg === 'unhandled promise rejection');
    expect(line).toMatchObject({ level: 50, fault: 'unhandledRejection', sessions: 1 });
    await until(() => discord.messagesIn(guild.text()).length > 0, 'the join notice');
    expect(discord.messagesIn(guild.text()).some((m) => m.content.includes('restarting'))).toBe(false);
  });
});
