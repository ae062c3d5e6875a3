// Voice session lifecycle end to end: reconnects, kicks, moves, idle leave, failures, many guilds.
import { describe, expect, it } from 'vitest';
import { levelAtDbfs, type PcmClip } from '../fakes/audio-analysis.ts';
import { Permission } from '../fakes/fake-discord/index.ts';
import { geminiAnswer, tone } from '../fakes/tones.ts';
import { until } from '../helpers/wait.ts';
import {
  joinAndListen,
  TEST_DISCORD_TOKEN,
  TEST_GEMINI_KEY,
  useBotWorld,
  type WorldOptions,
} from './harness.ts';

const worlds = useBotWorld();

const mono16k = (samples: Int16Array): PcmClip => ({ samples, sampleRate: 16_000, channels: 1 });

async function joined(options: WorldOptions = {}) {
  const world = await worlds.start(options);
  const w = world;
  return { w, ...(await joinAndListen(w)), text: w.guild.text() };
}

type Joined = Awaited<ReturnType<typeof joined>>;

/** Once voice is ready again, `speaker` says a tone and Gemini hears it on `conn`: audio flows. */
async function expectHeardOnceReady(
  { w, conn }: Joined,
  speaker: Joined['alice'],
  hz: number,
  what: string,
): Promise<void> {
  await until(() => w.discord.voice.sessions.get(w.guild.id)?.ready === true, what);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await speaker.say(tone(hz, 800));
  await conn.waitForInputEnd(1, 10_000);
  expect(levelAtDbfs(mono16k(conn.audio), hz, { startMs: 200, endMs: 700 })).toBeGreaterThan(-20);
}

/** The guild's session follows the bot into `channelId`. */
function sessionFollows({ w }: Joined, channelId: string, what: string): Promise<void> {
  return until(() => w.bot.services.sessions.get(w.guild.id)?.voiceChannelId === channelId, what);
}

describe('voice session lifecycle', () => {
  it('GIVEN the voice socket closes with 4006 THEN the bot reconnects and audio flows again', async () => {
    const world = await joined();
    const { w, alice } = world;
    const joinsBefore = w.discord.voiceRequests.filter((r) => r.channelId !== null).length;
    w.discord.voice.closeBotConnection(w.guild.id, 4006);
    // 4006 (session no longer valid) cannot be resumed: the bot must ask to join again (op 4).
    await until(
      () => w.discord.voiceRequests.filter((r) => r.channelId !== null).length > joinsBefore,
      'a fresh voice join after 4006',
    );
    await expectHeardOnceReady(world, alice, 440, 'the voice session to be ready again');
    expect(w.bot.services.sessions.get(w.guild.id)).toBeDefined();
  });

  it("GIVEN Gemini's goAway mid-speech THEN the conversation moves to a new connection and no speech is lost", async () => {
    const { w, alice, conn } = await joined();
    const speaking = alice.say(tone(440, 2000));
    await conn.waitForAudio(400, 5_000);
    conn.goAway(5_000);
    const next = await w.gemini.nextSession(10_000);
    await speaking;
    await next.waitForInputEnd(1, 10_000);
    // the new connection resumed the same conversation with the stored handle
    expect(next.session).toBe(conn.session);
    const heard = mono16k(conn.session?.audio ?? new Int16Array());
    // 2 s of speech + the silence tail, with nothing missing across the handover
    expect(heard.samples.length / 16).toBeGreaterThanOrEqual(2000);
    for (let ms = 100; ms < 1900; ms += 100) {
      expect(levelAtDbfs(heard, 440, { startMs: ms, endMs: ms + 100 })).toBeGreaterThan(-20);
    }
    expect(w.bot.services.sessions.get(w.guild.id)?.live?.counters.droppedUplinkMs).toBe(0);
  });

  it('GIVEN a moderator disconnects the bot (4014) THEN the session ends cleanly with a message', async () => {
    const { w, conn, text } = await joined();
    w.discord.disconnectBot(w.guild);
    const notice = await w.discord.waitForMessage(text, (m) => /disconnected/i.test(m.content), 10_000);
    expect(notice.content).toMatch(/disconnected from the voice channel/i);
    await conn.waitForClose(5_000);
    expect(w.bot.services.sessions.get(w.guild.id)).toBeUndefined();
  });

  it('GIVEN Discord closes voice with 4017 (DAVE required) THEN no rejoin storm: the session ends with the reason', async () => {
    const { w, conn, text } = await joined();
    const joinsBefore = w.discord.voiceRequests.filter((r) => r.channelId !== null).length;
    w.discord.voice.closeBotConnection(w.guild.id, 4017);
    const notice = await w.discord.waitForMessage(
      text,
      (m) => /end-to-end encryption/.test(m.content),
      10_000,
    );
    expect(notice.content).toMatch(/DAVE/);
    await conn.waitForClose(5_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // @discordjs/voice fires one immediate rejoin before we see the code; no more than that.
    expect(
      w.discord.voiceRequests.filter((r) => r.channelId !== null).length - joinsBefore,
    ).toBeLessThanOrEqual(1);
    expect(w.discord.botVoiceState(w.guild)?.channelId ?? null).toBeNull();
  });

  it('GIVEN a moderator drags the bot to another channel THEN it follows and keeps listening there', async () => {
    const world = await joined({ discord: { guilds: [{ name: 'g', voiceChannels: ['one', 'two'] }] } });
    const { w, alice } = world;
    const two = w.guild.voice('two');
    await alice.joinVoice(two);
    w.discord.moveBot(w.guild, two);
    await sessionFollows(world, two.id, 'the session to follow the move');
    await expectHeardOnceReady(world, alice, 440, 'voice ready in the new channel');
  });

  it('GIVEN /join from someone in another channel THEN the bot moves there and keeps the conversation', async () => {
    const world = await joined({ discord: { guilds: [{ name: 'g', voiceChannels: ['one', 'two'] }] } });
    const { w } = world;
    const bob = w.discord.human('bob');
    const two = w.guild.voice('two');
    await bob.joinVoice(two);
    const reply = await bob.slash('join');
    expect(await reply.text(5_000)).toContain('Moving to');
    await until(() => w.discord.botVoiceState(w.guild)?.channelId === two.id, 'the bot to move');
    await sessionFollows(world, two.id, 'the session to follow');
    await expectHeardOnceReady(world, bob, 660, 'voice ready in the new channel');
  });

  it('GIVEN /leave THEN one goodbye (the reply), Gemini closed, voice left — no second notice', async () => {
    const { w, alice, conn, text } = await joined();
    const reply = await alice.slash('leave');
    expect(await reply.text(5_000)).toMatch(/^👋 Left/);
    await conn.waitForClose(5_000);
    await until(() => w.discord.botVoiceState(w.guild)?.channelId == null, 'the bot to leave voice');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const notices = w.discord
      .messagesIn(text)
      .filter((m) => m.authorId === w.discord.world.bot.id && !m.interactionId);
    expect(notices.map((m) => m.content)).not.toContainEqual(
      expect.stringContaining('left the voice channel'),
    );
    expect(w.bot.services.sessions.get(w.guild.id)).toBeUndefined();
  });

  it('GIVEN the last human leaves THEN the bot leaves after the grace period and says why', async () => {
    const world = await worlds.start();
    const w = world;
    await w.bot.services.store.settings.update(w.guild.id, { idleLeaveSeconds: 1 });
    const alice = w.discord.human('alice');
    await alice.joinVoice(w.guild.voice());
    await (await alice.slash('join')).text(10_000);
    const conn = await w.gemini.nextSession(10_000);
    const leftAt = performance.now();
    await alice.leaveVoice();
    const notice = await w.discord.waitForMessage(
      w.guild.text(),
      (m) => /Everyone left/.test(m.content),
      10_000,
    );
    expect(notice.content).toContain('Everyone left');
    expect(performance.now() - leftAt).toBeGreaterThanOrEqual(900);
    await conn.waitForClose(5_000);
    await until(() => w.discord.botVoiceState(w.guild)?.channelId == null, 'the bot to leave voice');
  });

  it('GIVEN Gemini rejects the session THEN the channel is told why in one sentence and the bot leaves', async () => {
    const { w, conn, text } = await joined();
    conn.close(1008, 'models/unknown is not found for API version v1beta');
    const notice = await w.discord.waitForMessage(
      text,
      (m) =>
        m.authorId === w.discord.world.bot.id &&
        /Gemini|model/i.test(m.content) &&
        !/Listening/.test(m.content),
      10_000,
    );
    expect(notice.content).not.toMatch(/at |Error:|AIza/);
    await until(() => w.discord.botVoiceState(w.guild)?.channelId == null, 'the bot to leave voice');
    // The failure was logged, and neither secret appears anywhere in the log.
    const log = w.logLines.join('');
    expect(log).toContain('LIVE_');
    expect(log).not.toContain(TEST_GEMINI_KEY);
    expect(log).not.toContain(TEST_DISCORD_TOKEN);
  });

  it('GIVEN /join when the bot may not Connect THEN one clear ephemeral sentence, no voice join', async () => {
    const world = await worlds.start();
    const w = world;
    const vc = w.guild.voice();
    w.discord.setPermissionOverwrite(
      vc,
      { kind: 'user', id: w.discord.world.bot.id },
      { deny: Permission.Connect },
    );
    const alice = w.discord.human('alice');
    await alice.joinVoice(vc);
    const reply = await alice.slash('join');
    const text = await reply.text(5_000);
    expect(text).toMatch(/I need the Connect permission/);
    expect(reply.ephemeral).toBe(true);
    expect(w.discord.voiceRequests).toHaveLength(0);
  });

  it('GIVEN two guilds each with a speaker THEN each Gemini session hears only its own guild', async () => {
    const world = await worlds.start({ discord: { guilds: [{ name: 'red' }, { name: 'blue' }] } });
    const w = world;
    const red = w.discord.guild('red');
    const blue = w.discord.guild('blue');
    const alice = w.discord.human('alice');
    const bob = w.discord.human('bob');
    await alice.joinVoice(red.voice());
    await bob.joinVoice(blue.voice());
    await (await alice.slash('join', {}, red.text())).text(10_000);
    const redConn = await w.gemini.nextSession(10_000);
    await (await bob.slash('join', {}, blue.text())).text(10_000);
    const blueConn = await w.gemini.nextSession(10_000);
    await Promise.all([alice.say(tone(400, 1000)), bob.say(tone(900, 1000))]);
    await Promise.all([redConn.waitForInputEnd(1, 10_000), blueConn.waitForInputEnd(1, 10_000)]);
    const region = { startMs: 200, endMs: 900 };
    const redHeard = mono16k(redConn.audio);
    const blueHeard = mono16k(blueConn.audio);
    expect(levelAtDbfs(redHeard, 400, region)).toBeGreaterThan(-20);
    expect(levelAtDbfs(redHeard, 900, region)).toBeLessThan(-60);
    expect(levelAtDbfs(blueHeard, 900, region)).toBeGreaterThan(-20);
    expect(levelAtDbfs(blueHeard, 400, region)).toBeLessThan(-60);
    // and answers go to the right channel
    await blueConn.sendAudio(geminiAnswer(600, 300));
    blueConn.turnComplete();
    const blueBot = w.discord.botAudioIn(blue);
    await blueBot.until(() => blueBot.audioMs() >= 300, 5_000);
    expect(w.discord.botAudioIn(red).audioMs()).toBe(0);
  });
});
