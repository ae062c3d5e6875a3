// SIGTERM on a real bot process mid-conversation: notice, clean exit within 10 s, and the handle survives.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord/index.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { botEnv, type ChildBot, startChildBot } from './child-bot.ts';
import { TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from './harness.ts';

const SHUTDOWN_LIMIT_MS = 10_000;

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
  start: () => Promise<ChildBot>;
}> {
  const discord = await startFakeDiscord({ token: TEST_DISCORD_TOKEN });
  const gemini = await startFakeGemini({ apiKey: TEST_GEMINI_KEY });
  const dataDir = await mkdtemp(join(tmpdir(), 'bot-shutdown-'));
  cleanup = async () => {
    await gemini.stop();
    await discord.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const start = async () => {
    const bot = startChildBot('src/main.ts', botEnv(discord, gemini, dataDir), dataDir);
    bots.push(bot);
    await bot.waitForLog((l) => l.msg === 'logged in to Discord', 'login', 30_000);
    return bot;
  };
  return { discord, gemini, start };
}

describe('graceful shutdown', () => {
  it('GIVEN SIGTERM while the bot answers THEN a restart notice, voice left, exit 0 within 10 s, and the next /join resumes', async () => {
    const { discord, gemini, start } = await world();
    const bot = await start();
    const guild = discord.guild();
    const alice = discord.human('alice');
    await alice.joinVoice(guild.voice());
    await (await alice.slash('join')).text(15_000);
    const conn = await gemini.nextSession(15_000);

    await alice.say(tone(440, 600));
    await conn.waitForAudioStreamEnd(1, 10_000);
    const handle = conn.sendResumptionHandle();
    // Sent after the handle on the same socket: once the bot plays it, it has seen the handle.
    void conn.sendAudio(geminiAnswer(600, 3_000), { chunkMs: 100 });
    const capture = discord.botAudioIn(guild);
    await capture.until((c) => c.audioMs() >= 300, 10_000);

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
});
