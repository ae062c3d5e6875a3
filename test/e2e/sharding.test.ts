// `npm run start:sharded` end to end: the ShardingManager entry with 2 shard processes against the fakes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { levelAtDbfs } from '../fakes/audio-analysis.ts';
import { shardOf } from '../fakes/fake-discord/ids.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord/index.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { botEnv, type ChildBot, startChildBot } from './child-bot.ts';
import { startWorld, TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from './harness.ts';

/** Snowflakes whose timestamp parts differ by one ms: (id >> 22) % 2 puts them on shards 0 and 1. */
const ALPHA_ID = (1_000_000_000_000n << 22n).toString();
const BETA_ID = (1_000_000_000_001n << 22n).toString();

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function shardedWorld(): Promise<{ discord: FakeDiscord; gemini: FakeGemini; manager: ChildBot }> {
  const discord = await startFakeDiscord({
    token: TEST_DISCORD_TOKEN,
    shardCount: 2,
    guilds: [
      { name: 'alpha', id: ALPHA_ID },
      { name: 'beta', id: BETA_ID },
    ],
  });
  const gemini = await startFakeGemini({ apiKey: TEST_GEMINI_KEY });
  const dataDir = await mkdtemp(join(tmpdir(), 'bot-sharded-'));
  // TOTAL_SHARDS 'auto' asks the fake's GET /gateway/bot (2) through DISCORD_API_URL.
  const env = { ...botEnv(discord, gemini, dataDir), TOTAL_SHARDS: 'auto', SHARD_SPAWN_DELAY_MS: '0' };
  const manager = startChildBot('src/shard-manager.ts', env, dataDir);
  cleanup = async () => {
    await manager.kill();
    await gemini.stop();
    await discord.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  await manager.waitForLog((l) => l.msg === 'every shard is ready', 'both shards ready', 60_000);
  return { discord, gemini, manager };
}

describe('sharding', () => {
  it('GIVEN 2 shard processes THEN guilds on both shards join, are heard and answered, each op 4 on its own shard', async () => {
    const { discord, gemini, manager } = await shardedWorld();
    const alpha = discord.guild('alpha');
    const beta = discord.guild('beta');
    expect([shardOf(alpha.id, 2), shardOf(beta.id, 2)]).toEqual([0, 1]);
    const shardsUp = manager.logs.filter((l) => l.msg === 'shard ready').map((l) => l.shard);
    expect(shardsUp.sort()).toEqual([0, 1]);

    const talks = [];
    for (const [guild, name] of [
      [alpha, 'alice'],
      [beta, 'bob'],
    ] as const) {
      const human = discord.human(name);
      await human.joinVoice(guild.voice());
      const reply = await human.slash('join', {}, guild.text());
      expect(await reply.text(15_000)).toContain('Listening');
      const conn = await gemini.nextSession(15_000);
      talks.push({ guild, human, conn });
    }

    for (const [i, { human, conn, guild }] of talks.entries()) {
      const freq = 400 + 200 * i;
      await human.say(tone(freq, 600));
      await conn.waitForInputEnd(1, 10_000);
      const heard = { samples: conn.audio, sampleRate: 16_000, channels: 1 };
      expect(levelAtDbfs(heard, freq, { startMs: 100, endMs: 500 })).toBeGreaterThan(-20);
      await conn.sendAudio(geminiAnswer(700, 400));
      conn.turnComplete();
      const capture = discord.botAudioIn(guild);
      await capture.until((c) => c.audioMs() >= 300, 10_000);
    }

    for (const guild of [alpha, beta]) {
      const joins = discord.voiceRequests.filter((r) => r.guildId === guild.id && r.channelId !== null);
      expect(joins.length).toBeGreaterThan(0);
      expect(joins.every((r) => r.shard[0] === shardOf(guild.id, 2) && r.shard[1] === 2)).toBe(true);
    }
    discord.assertNoFailures();

    // SIGTERM to the manager reaches every shard: both guilds are told, and it all exits cleanly.
    const exit = await manager.kill();
    expect(exit.code).toBe(0);
    for (const guild of [alpha, beta]) {
      const notice = discord.messagesIn(guild.text()).find((m) => m.content.includes('restarting'));
      expect(notice?.content).toContain('/join to continue');
      expect(discord.botVoiceState(guild)?.channelId ?? null).toBeNull();
    }
  });
});

describe('session cap', () => {
  it('GIVEN MAX_LIVE_SESSIONS=1 and a session running THEN /join in another guild answers busy, and works once the first ends', async () => {
    const w = await startWorld({
      discord: { guilds: [{ name: 'alpha' }, { name: 'beta' }] },
      env: { MAX_LIVE_SESSIONS: '1' },
    });
    cleanup = () => w.stop();
    const alpha = w.discord.guild('alpha');
    const beta = w.discord.guild('beta');
    const alice = w.discord.human('alice');
    const bob = w.discord.human('bob');
    await alice.joinVoice(alpha.voice());
    await bob.joinVoice(beta.voice());
    expect(await (await alice.slash('join', {}, alpha.text())).text(10_000)).toContain('Listening');
    await w.gemini.nextSession(10_000);

    const refused = await (await bob.slash('join', {}, beta.text())).text(10_000);
    expect(refused).toMatch(/busy.*try again/i);
    expect(w.discord.botVoiceState(beta)?.channelId ?? null).toBeNull();
    expect(w.gemini.connections).toHaveLength(1);

    await (await alice.slash('leave', {}, alpha.text())).text(10_000);
    expect(await (await bob.slash('join', {}, beta.text())).text(10_000)).toContain('Listening');
  });
});
