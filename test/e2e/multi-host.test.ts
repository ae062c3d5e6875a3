// Two hosts, one PostgreSQL: each runs one shard of two (SHARD_IDS) with its own DATA_DIR.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_UNAVAILABLE_MESSAGE } from '../../src/guild/session-launcher.ts';
import { NOT_READ_SENTENCE, NOT_SAVED_SENTENCE } from '../../src/store/index.ts';
import { levelAtDbfs } from '../fakes/audio-analysis.ts';
import { shardOf } from '../fakes/fake-discord/ids.ts';
import {
  type FakeDiscord,
  type FakeHuman,
  Permission,
  startFakeDiscord,
} from '../fakes/fake-discord/index.ts';
import { type FakeGemini, type FakeLiveConnection, startFakeGemini } from '../fakes/fake-gemini/index.ts';
import { tone } from '../fakes/tones.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres-server.ts';
import { eventually, freePort } from '../helpers/wait.ts';
import { botEnv, type ChildBot, startChildBot } from './child-bot.ts';
import { TEST_DISCORD_TOKEN, TEST_GEMINI_KEY } from './harness.ts';

/** Snowflakes whose timestamp parts differ by one ms: (id >> 22) % 2 puts them on shards 0 and 1. */
const ALPHA_ID = (1_000_000_000_000n << 22n).toString();
const BETA_ID = (1_000_000_000_001n << 22n).toString();
/** The uplink mixes 20 ms frames (a chunk to Gemini holds several): levels are read per frame. */
const FRAME_SAMPLES = 320;

interface Host {
  bot: ChildBot;
  dataDir: string;
  metricsPort: number;
}

let pg: PostgresServer;
let databaseUrl: string;
let discord: FakeDiscord;
let gemini: FakeGemini;
const hosts: Host[] = [];
const dataDirs: string[] = [];

/** One host: `npm run start:sharded` with TOTAL_SHARDS=2 and SHARD_IDS=`shardIds`, its own DATA_DIR. */
async function startHost(shardIds: string): Promise<Host> {
  const dataDir = await mkdtemp(join(tmpdir(), `bot-host-${shardIds}-`));
  dataDirs.push(dataDir);
  const metricsPort = await freePort();
  const env = {
    ...botEnv(discord, gemini, dataDir),
    TOTAL_SHARDS: '2',
    SHARD_IDS: shardIds,
    SHARD_SPAWN_DELAY_MS: '0',
    DATABASE_URL: databaseUrl,
    METRICS_PORT: String(metricsPort),
  };
  const host = { bot: startChildBot('src/shard-manager.ts', env, dataDir), dataDir, metricsPort };
  hosts.push(host);
  return host;
}

/** GET /healthz of the host's shard process (it listens on METRICS_PORT + shard id). */
async function healthz(host: Host, shard: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${host.metricsPort + shard}/healthz`);
  return `${response.status} ${(await response.text()).trim()}`;
}

/** Waits until /healthz of shard 0 (host 1) and shard 1 (host 2) both answer `expected`. */
async function everyShardSays(expected: string): Promise<void> {
  const [one, two] = hosts as [Host, Host];
  for (const [host, shard] of [
    [one, 0],
    [two, 1],
  ] as const) {
    await eventually(
      async () => (await healthz(host, shard)) === expected,
      `shard ${shard}: ${expected}`,
      15_000,
    );
  }
}

async function joinIn(
  human: FakeHuman,
  guildName: string,
): Promise<{ conn: FakeLiveConnection; text: string }> {
  const guild = discord.guild(guildName);
  await human.joinVoice(guild.voice());
  const reply = await human.slash('join', {}, guild.text());
  const conn = await gemini.nextSession(15_000);
  return { conn, text: await reply.text(15_000) };
}

function voiceNameOf(conn: FakeLiveConnection): unknown {
  const setup = conn.setup as {
    generationConfig?: { speechConfig?: { voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: string } } } };
  };
  return setup.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName;
}

beforeAll(async () => {
  pg = await startPostgres();
  databaseUrl = await pg.createDatabase();
  // max_concurrency 1: both shards share identify bucket 0, so the hosts must take turns (≥ 5 s).
  discord = await startFakeDiscord({
    token: TEST_DISCORD_TOKEN,
    shardCount: 2,
    maxConcurrency: 1,
    guilds: [
      { name: 'alpha', id: ALPHA_ID, roles: [{ name: 'managers', permissions: Permission.ManageGuild }] },
      { name: 'beta', id: BETA_ID },
    ],
  });
  gemini = await startFakeGemini({ apiKey: TEST_GEMINI_KEY });
  const [one, two] = [await startHost('0'), await startHost('1')];
  await Promise.all(
    [one, two].map((h) =>
      h?.bot.waitForLog((l) => l.msg === 'every shard is ready', 'the host ready', 60_000),
    ),
  );
}, 90_000);

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.bot.kill()));
  await gemini?.stop();
  await discord?.stop();
  await pg?.destroy();
  await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
}, 60_000);

describe('two hosts sharing one PostgreSQL', () => {
  it('GIVEN SHARD_IDS 0 and 1 on two hosts THEN each runs only its shard, and their identifies in the one bucket are ≥ 5 s apart', () => {
    const [one, two] = hosts as [Host, Host];
    expect(one.bot.logs.filter((l) => l.msg === 'shard ready').map((l) => l.shard)).toEqual([0]);
    expect(two.bot.logs.filter((l) => l.msg === 'shard ready').map((l) => l.shard)).toEqual([1]);
    const identifies = discord.gateway.identifies;
    expect(identifies.map((i) => i.shard[0]).sort()).toEqual([0, 1]);
    const gap = Math.abs((identifies[1]?.atMs ?? 0) - (identifies[0]?.atMs ?? 0));
    console.info(`multi-host: identifies in bucket 0 were ${gap.toFixed(0)} ms apart`);
    expect(gap).toBeGreaterThanOrEqual(5_000);
    expect([shardOf(ALPHA_ID, 2), shardOf(BETA_ID, 2)]).toEqual([0, 1]);
    discord.assertNoFailures();
  });

  it("GIVEN /config voice in alpha THEN alpha's next session (on host 1) uses it", async () => {
    const alpha = discord.guild('alpha');
    const managers = [...alpha.record.roles.values()].find((r) => r.name === 'managers');
    const manager = discord.human('manager', { roles: [managers?.id ?? ''] });
    const set = await manager.slash('config voice', { name: 'Kore' }, alpha.text());
    expect(await set.text(10_000)).toContain('Kore');
    const alice = discord.human('alice');
    const { conn, text } = await joinIn(alice, 'alpha');
    expect(text).toContain('Listening');
    expect(voiceNameOf(conn)).toBe('Kore');
  });

  it('GIVEN bob speaking in beta (host 2) THEN /optout in alpha (host 1) silences him at Gemini within 100 ms of its reply', async () => {
    const bob = discord.human('bob');
    const { conn } = await joinIn(bob, 'beta');
    const speaking = bob.say(tone(880, 4_000, { amplitudeDbfs: -18 }));
    await eventually(
      () =>
        conn.audioChunks.some(
          (c) => levelAtDbfs({ samples: c.samples, sampleRate: 16_000, channels: 1 }, 880) > -30,
        ),
      'bob heard at Gemini',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = conn.audioChunks.at(-1);
    const reply = await bob.slash('optout', {}, discord.guild('alpha').text());
    expect(await reply.text(10_000)).toContain('will not be sent to Gemini');
    const repliedAt = reply.original?.createdAtMs ?? Number.NaN;
    await speaking;
    // The control: he was loud at Gemini right before the command.
    expect(
      before && levelAtDbfs({ samples: before.samples, sampleRate: 16_000, channels: 1 }, 880),
    ).toBeGreaterThan(-30);

    const levels = conn.audioChunks
      .filter((c) => c.receivedAtMs >= repliedAt)
      .flatMap((c) => {
        const frames = [];
        for (let at = 0; at + FRAME_SAMPLES <= c.samples.length; at += FRAME_SAMPLES) {
          const samples = c.samples.subarray(at, at + FRAME_SAMPLES);
          frames.push({
            at: c.receivedAtMs,
            dbfs: levelAtDbfs({ samples, sampleRate: 16_000, channels: 1 }, 880),
          });
        }
        return frames;
      });
    // With Discord turn-taking (the default) the bot sends only frames with someone's audio in
    // them: once bob is dropped the frames stop and the turn ends, so the measure is the last frame
    // that still carried him (0 when none came after the reply).
    const heard = levels.filter((f) => f.dbfs >= -60);
    const latencyMs = Math.max(0, (heard.at(-1)?.at ?? repliedAt) - repliedAt);
    console.info(
      `multi-host: /optout on host 1 → last frame with bob at Gemini from host 2 ${latencyMs.toFixed(1)} ms after its reply`,
    );
    expect(latencyMs).toBeLessThan(100);
    // The bot noticed he was gone: it ended the turn while his client was still sending.
    expect(conn.activityEnds.some((at) => at >= repliedAt && at < repliedAt + 1_000)).toBe(true);
  });

  it('GIVEN both sessions reporting usage at once THEN each guild’s token counts in PostgreSQL are exact', async () => {
    const [alpha, beta] = [gemini.connections[0], gemini.connections[1]] as [
      FakeLiveConnection,
      FakeLiveConnection,
    ];
    for (let i = 0; i < 50; i++) {
      alpha.sendUsage({ promptTokens: 10, responseTokens: 1 });
      beta.sendUsage({ promptTokens: 20, responseTokens: 2 });
    }
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const totals = async () =>
        Object.fromEntries(
          (await sql`SELECT guild_id, sum(total_tokens)::int AS n FROM usage_daily GROUP BY guild_id`).map(
            (r) => [r.guild_id, r.n],
          ),
        );
      await eventually(async () => {
        const t = await totals();
        return t[ALPHA_ID] === 550 && t[BETA_ID] === 1100;
      }, 'exact token totals');
    } finally {
      await sql.end({ timeout: 0 });
    }
  });

  it('GIVEN PostgreSQL stops mid-session THEN voice goes on, /join refuses in one sentence, /healthz says degraded; started again, all recovers', async () => {
    const alpha = gemini.connections[0] as FakeLiveConnection;
    const carol = discord.human('carol');
    await pg.stop();
    try {
      await everyShardSays('200 degraded: database unreachable');

      // The running session in alpha still carries alice's voice to Gemini.
      const from = alpha.audioSamples;
      await discord.human('alice').say(tone(440, 800, { amplitudeDbfs: -18 }));
      await eventually(
        () => alpha.audioSamples - from > 16_000 * 0.6,
        'alice heard while the database is down',
      );
      const heard = { samples: alpha.audio.subarray(from), sampleRate: 16_000, channels: 1 };
      expect(levelAtDbfs(heard, 440, { startMs: 100, endMs: 600 })).toBeGreaterThan(-30);

      // Beta's session ends (/leave); carol tries a new /join there (host 2): refused clearly.
      await (await discord.human('bob').slash('leave', {}, discord.guild('beta').text())).text(10_000);
      await carol.joinVoice(discord.guild('beta').voice());
      const refused = await carol.slash('join', {}, discord.guild('beta').text());
      expect(await refused.text(15_000)).toBe(STORE_UNAVAILABLE_MESSAGE);

      // An /optin cannot be saved: bob is told so, in one sentence, and stays opted out.
      const askedAt = performance.now();
      const optIn = await discord.human('bob').slash('optin', {}, discord.guild('beta').text());
      expect(await optIn.text(15_000)).toBe(NOT_SAVED_SENTENCE);
      // Within Discord's 3 s for a first reply, though the database cannot be reached.
      const answeredAfterMs = (optIn.original?.createdAtMs ?? Number.POSITIVE_INFINITY) - askedAt;
      console.info(`multi-host: /optin refused ${answeredAfterMs.toFixed(0)} ms after it was sent`);
      expect(answeredAfterMs).toBeLessThan(3_000);

      // A settings change and the usage report are refused in one sentence each, not a generic error.
      const manager = discord.human('manager');
      const set = await manager.slash('config voice', { name: 'Puck' }, discord.guild('alpha').text());
      expect(await set.text(15_000)).toBe(NOT_SAVED_SENTENCE);
      const usage = await carol.slash('usage', {}, discord.guild('beta').text());
      expect(await usage.text(15_000)).toBe(NOT_READ_SENTENCE);

      // An @mention is still answered in text: the persona comes from memory.
      const question = await carol.mention(discord.guild('beta').text(), 'are you there?');
      const answer = await discord.waitForMessage(
        discord.guild('beta').text(),
        (m) => m.authorId === discord.appId && m.replyTo === question.id,
        15_000,
      );
      expect(answer.content).toBe('Fake answer.');
    } finally {
      // Started again even when a check failed, so the next test still has its database.
      await pg.start();
    }
    await everyShardSays('200 ok');
    const again = await carol.slash('join', {}, discord.guild('beta').text());
    await gemini.nextSession(15_000);
    expect(await again.text(15_000)).toContain('Listening');
  });

  it('GIVEN host 1 stops THEN host 2 taking over shard 0 resumes the handle host 1 saved for alpha', async () => {
    const [one] = hosts as [Host];
    const alphaSession = gemini.connections[0]?.session;
    const lastHandle = alphaSession?.handles.at(-1);
    expect(lastHandle).toBeDefined();
    await one.bot.kill();
    const takeover = await startHost('0');
    await takeover.bot.waitForLog((l) => l.msg === 'every shard is ready', 'shard 0 on host 2', 60_000);
    const reply = await discord.human('alice').slash('join', {}, discord.guild('alpha').text());
    const conn = await gemini.nextSession(15_000);
    expect(await reply.text(15_000)).toContain('Listening');
    expect((conn.setup as { sessionResumption?: { handle?: string } }).sessionResumption?.handle).toBe(
      lastHandle,
    );
    discord.assertNoFailures();
  });
});
