// Self-test of the fake Discord: a tiny real discord.js + @discordjs/voice client (not the bot) against it.
import { once } from 'node:events';
import {
  AudioPlayerStatus,
  type AudioReceiveStream,
  EndBehaviorType,
  entersState,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { Decoder } from '@evan/opus';
import { type Client, Events, MessageFlags, Routes } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dominantFrequency, type PcmClip } from '../fakes/audio-analysis.ts';
import {
  type FakeDiscord,
  type FakeHuman,
  INVALID_OPUS_PACKET,
  type SayResult,
  startFakeDiscord,
  type VoiceFaults,
} from '../fakes/fake-discord/index.ts';
import { tone, toneSum } from '../fakes/tones.ts';
import { startNodeChild } from '../helpers/node-child.ts';
import { joinTestVoice, playPcm, startTestClient, stopTestClient } from './voice-test-client.ts';

// In-process trust for the fake's self-signed voice certificate (this test process only).
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

function decodeAll(packets: Buffer[]): PcmClip {
  const decoder = new Decoder({ channels: 2, sample_rate: 48_000 });
  const parts = packets.map((p) => decoder.decode(p));
  const bytes = Buffer.concat(parts);
  const samples = new Int16Array(bytes.byteLength / 2);
  new Uint8Array(samples.buffer).set(bytes);
  return { samples, sampleRate: 48_000, channels: 2 };
}

interface Heard {
  packets: Buffer[];
  error: Error | null;
  said: SayResult;
}

/** Subscribes to `human` on the client's receiver, makes them speak, and collects what the client got. */
async function hear(
  connection: VoiceConnection,
  human: FakeHuman,
  clip: PcmClip,
  faults: VoiceFaults,
): Promise<Heard> {
  const stream: AudioReceiveStream = connection.receiver.subscribe(human.id, {
    end: { behavior: EndBehaviorType.AfterSilence, duration: 200 },
  });
  const packets: Buffer[] = [];
  stream.on('data', (p: Buffer) => packets.push(p));
  const finished = new Promise<Error | null>((resolve) => {
    stream.once('end', () => resolve(null));
    stream.once('error', (error: Error) => resolve(error));
  });
  // receiver.speaking emits end 100 ms after the user's last packet: then no stray packet can reach
  // the next subscription.
  const quiet = new Promise<void>((resolve) => {
    const onEnd = (userId: string): void => {
      if (userId !== human.id) return;
      connection.receiver.speaking.off('end', onEnd);
      resolve();
    };
    connection.receiver.speaking.on('end', onEnd);
  });
  const said = await human.say(clip, { faults });
  const error = await finished;
  await quiet;
  // subscribe() hands out the same stream until it emits close: wait for it so the next call gets a new one.
  if (!stream.closed) {
    const closed = once(stream, 'close');
    stream.destroy();
    await closed;
  }
  return { packets, error, said };
}

describe('fake Discord with a real discord.js + @discordjs/voice client', () => {
  let discord: FakeDiscord | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await stopTestClient(client, discord);
    client = undefined;
    discord = undefined;
  });

  it('GIVEN a slash command and a speaker WHEN the client joins, listens and plays it back THEN the fake hears 440 Hz', async () => {
    discord = await startFakeDiscord();
    client = await startTestClient(discord);
    const fake = discord;
    const guild = fake.guild();
    const vc = guild.voice();
    await client.rest.put(Routes.applicationCommands(fake.appId), {
      body: [
        {
          name: 'join',
          description: 'Join',
          options: [{ type: 7, name: 'channel', description: 'Where', required: true }],
        },
      ],
    });
    expect(fake.commands.global.map((c) => c.name)).toEqual(['join']);

    const joined = new Promise<VoiceConnection>((resolve) => {
      client?.on(Events.InteractionCreate, async (interaction) => {
        if (!interaction.isChatInputCommand() || !client) return;
        const channel = interaction.options.getChannel('channel', true);
        await interaction.reply({ content: `joining ${channel.name}`, flags: MessageFlags.Ephemeral });
        resolve(joinTestVoice(client, guild.id, channel.id));
      });
    });
    const alice = fake.human('alice');
    await alice.joinVoice(vc);
    const reply = await alice.slash('join', { channel: vc });
    expect(await reply.text()).toBe('joining voice');
    expect(reply.ephemeral).toBe(true);

    const connection = await joined;
    await entersState(connection, VoiceConnectionStatus.Ready, 5000);
    expect(fake.botVoiceState(guild)?.channelId).toBe(vc.id);
    expect(fake.voice.sessions.get(guild.id)?.maxDaveProtocolVersion).toBeGreaterThanOrEqual(1);

    const heard = await hear(connection, alice, tone(440, 1000), {});
    expect(heard.error).toBeNull();
    const clientPcm = decodeAll(heard.packets);
    expect(dominantFrequency(clientPcm)).toBeCloseTo(440, -1);

    const player = playPcm(connection, clientPcm);
    await fake.botAudio.until((c) => c.audioMs() >= 900, 8000);
    const heardByFake = fake.botAudio.pcm();
    const freq = dominantFrequency(heardByFake);
    expect(Math.abs(freq - 440) / 440).toBeLessThan(0.05);
    await entersState(player, AudioPlayerStatus.Idle, 5000);
    player.stop(true);
    fake.assertNoFailures();
  });

  it('GIVEN VOICE_SERVER_UPDATE before VOICE_STATE_UPDATE THEN @discordjs/voice stays in Signalling (issue #11553)', async () => {
    discord = await startFakeDiscord({ voiceDispatch: { order: 'server-first' } });
    client = await startTestClient(discord);
    const guild = discord.guild();
    const trapped = joinTestVoice(client, guild.id, guild.voice().id);
    await expect(entersState(trapped, VoiceConnectionStatus.Ready, 1500)).rejects.toThrow();
    expect(trapped.state.status).toBe(VoiceConnectionStatus.Signalling);
    trapped.destroy();

    discord.voiceDispatch.order = 'state-first';
    const fine = joinTestVoice(client, guild.id, guild.voice().id);
    await entersState(fine, VoiceConnectionStatus.Ready, 5000);
  });

  it('GIVEN a 429 on message create THEN discord.js waits retry_after and the retry succeeds', async () => {
    discord = await startFakeDiscord();
    client = await startTestClient(discord);
    const text = discord.guild().text();
    const route = 'POST /channels/:channel/messages';
    discord.rest.inject429({ route, retryAfterMs: 300 });
    const channel = await client.channels.fetch(text.id);
    if (!channel?.isSendable()) throw new Error('not sendable');
    await channel.send('after the limit');
    const calls = discord.rest.callsTo(route);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.timeMs - calls[0]!.timeMs).toBeGreaterThanOrEqual(280);
    expect(discord.messagesIn(text).map((m) => m.content)).toEqual(['after the limit']);
    expect(discord.rest.unknown).toEqual([]);
  });

  it('GIVEN mentions, attachments and replies THEN content follows the intents and the bot can download and answer', async () => {
    discord = await startFakeDiscord();
    client = await startTestClient(discord);
    const text = discord.guild().text();
    const bob = discord.human('bob');
    const seen: Array<{ content: string; attachments: number }> = [];
    client.on(Events.MessageCreate, (m) => {
      if (m.author.id !== client?.user?.id)
        seen.push({ content: m.content, attachments: m.attachments.size });
    });
    await bob.send(text, 'chatter the bot may not read');
    const asked = await bob.mention(text, 'what is in this file?', {
      attachments: [{ filename: 'note.txt', contentType: 'text/plain', data: Buffer.from('hello file') }],
    });
    await expect.poll(() => seen.length, { timeout: 3000 }).toBe(2);
    expect(seen[0]).toEqual({ content: '', attachments: 0 });
    expect(seen[1]?.content).toBe(`<@${discord.appId}> what is in this file?`);
    const channel = await client.channels.fetch(text.id);
    if (!channel?.isTextBased()) throw new Error('not a text channel');
    const message = await channel.messages.fetch(asked.id);
    const url = message.attachments.first()?.url ?? '';
    expect(await (await fetch(url)).text()).toBe('hello file');
    await message.reply({ content: 'it says hello', allowedMentions: { repliedUser: false } });
    const answer = await discord.waitForMessage(text, (m) => m.authorId === discord?.appId);
    expect(answer.replyTo).toBe(asked.id);
    expect(answer.raw[0]?.allowed_mentions).toEqual({ replied_user: false });
    expect(discord.messagesIn(text).map((m) => m.content)).toEqual([
      'chatter the bot may not read',
      `<@${discord.appId}> what is in this file?`,
      'it says hello',
    ]);
  });

  it('GIVEN the voice certificate file THEN a child process trusts it through NODE_EXTRA_CA_CERTS', async () => {
    discord = await startFakeDiscord();
    const script = `const tls = require('node:tls');
      const s = tls.connect({ host: '127.0.0.1', port: ${discord.voice.endpoint.split(':')[1]} }, () => {
        process.stdout.write(String(s.authorized)); s.end(); });
      s.on('error', (e) => { process.stdout.write(e.code); });`;
    const run = async (env: Record<string, string>) => {
      const { NODE_TLS_REJECT_UNAUTHORIZED: _drop, ...base } = process.env;
      const child = startNodeChild({ args: ['-e', script], env: { ...base, ...env }, killAfterMs: 10_000 });
      await child.finished;
      return child.stdout;
    };
    expect(await run({ NODE_EXTRA_CA_CERTS: discord.caCertPath })).toBe('true');
    expect(await run({})).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(discord.childEnv().DISCORD_API_URL).toBe(discord.restUrl);
  });

  it('GIVEN two shards WHEN op 4 goes out on the wrong shard THEN the fake records a failure', async () => {
    discord = await startFakeDiscord({
      shardCount: 2,
      guilds: [
        { name: 'on-shard-0', id: (1000n << 22n).toString() },
        { name: 'on-shard-1', id: (1001n << 22n).toString() },
      ],
    });
    client = await startTestClient(discord, { shards: [0, 1], shardCount: 2 });
    const g1 = discord.guild('on-shard-1');
    client.ws.shards.get(0)?.send({
      op: 4,
      d: { guild_id: g1.id, channel_id: g1.voice().id, self_mute: false, self_deaf: false },
    });
    await expect.poll(() => discord?.failures.length, { timeout: 3000 }).toBe(1);
    expect(discord.failures[0]).toContain('arrived on shard 0 but shard 1 owns it');

    const connection = joinTestVoice(client, g1.id, g1.voice().id);
    await entersState(connection, VoiceConnectionStatus.Ready, 5000);
    expect(discord.voiceRequests.map((r) => r.shard[0])).toEqual([1]);
  });
});

describe('fake Discord fault injection, proven at a real @discordjs/voice receiver', () => {
  let discord: FakeDiscord;
  let client: Client;
  let connection: VoiceConnection;
  let alice: FakeHuman;
  // A rising level makes every 20 ms Opus packet distinct, so packets can be matched by their bytes.
  const clip = toneSum([{ freqHz: 300 }, { freqHz: 1234, amplitudeDbfs: -20 }], 200);
  clip.samples.forEach((v, i) => {
    clip.samples[i] = Math.round(v * (0.2 + (0.8 * i) / clip.samples.length));
  });
  const AUDIO_PACKETS = 10;

  beforeAll(async () => {
    discord = await startFakeDiscord();
    client = await startTestClient(discord);
    const guild = discord.guild();
    alice = discord.human('alice');
    await alice.joinVoice(guild.voice());
    connection = joinTestVoice(client, guild.id, guild.voice().id);
    await entersState(connection, VoiceConnectionStatus.Ready, 5000);
    // Every fault below is seen through DAVE: alice's frames are E2EE once she and the client share a group.
    await discord.dave.call(guild.voice().id)?.waitForGroup([alice.id, discord.world.bot.id]);
  });
  afterAll(async () => {
    await stopTestClient(client, discord);
  });

  const indexOf = (heard: Heard, packet: Buffer): number =>
    heard.said.packets.findIndex((s) => s.opus.equals(packet));

  it('GIVEN packets 3 and 4 dropped THEN the receiver gets two packets fewer and never those two', async () => {
    const heard = await hear(connection, alice, clip, { drop: [3, 4] });
    expect(heard.packets.length).toBe(heard.said.packets.length - 2);
    expect(heard.packets.slice(0, AUDIO_PACKETS - 2).map((p) => indexOf(heard, p))).toEqual([
      0, 1, 2, 5, 6, 7, 8, 9,
    ]);
  });

  it('GIVEN random loss THEN exactly the packets the fake reports lost are missing', async () => {
    const heard = await hear(connection, alice, clip, { lossRate: 0.3, seed: 7 });
    const lost = heard.said.packets.filter((p) => p.faults.includes('loss')).length;
    expect(lost).toBeGreaterThan(0);
    expect(heard.packets.length).toBe(heard.said.packets.length - lost);
  });

  it('GIVEN packet 5 reordered THEN the receiver gets 6 before 5', async () => {
    const heard = await hear(connection, alice, clip, { reorder: [5] });
    expect(heard.packets.slice(0, AUDIO_PACKETS).map((p) => indexOf(heard, p))).toEqual([
      0, 1, 2, 3, 4, 6, 5, 7, 8, 9,
    ]);
  });

  it("GIVEN packet 5 duplicated THEN the transport delivers it twice and DAVE's replay check drops the copy", async () => {
    const heard = await hear(connection, alice, clip, { duplicate: [5] });
    expect(heard.said.packets[5]?.faults).toEqual(['duplicate']);
    expect(heard.said.packets[5]?.e2ee).toBe(true);
    expect(heard.packets.length).toBe(heard.said.packets.length);
    expect(heard.packets.slice(0, AUDIO_PACKETS).map((p) => indexOf(heard, p))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it('GIVEN a packet whose ciphertext is altered THEN the subscription is destroyed with an error', async () => {
    const heard = await hear(connection, alice, clip, { corruptEncryption: [5] });
    expect(heard.error?.message).toMatch(/authenticate/);
    expect(heard.packets.length).toBe(5);
  });

  it('GIVEN a validly encrypted garbage Opus payload THEN it reaches the receiver and the decoder rejects it', async () => {
    const heard = await hear(connection, alice, clip, { corruptOpus: [5] });
    expect(heard.error).toBeNull();
    expect(heard.packets.length).toBe(heard.said.packets.length);
    expect(heard.packets[5]?.equals(INVALID_OPUS_PACKET)).toBe(true);
    expect(() => new Decoder({ channels: 2, sample_rate: 48_000 }).decode(heard.packets[5]!)).toThrow(
      /InvalidPacket/,
    );
  });

  it('GIVEN garbage datagrams THEN unattributed garbage is ignored and garbage with a speaker ssrc kills the subscription', async () => {
    await discord.sendGarbage(discord.guild(), { bytes: 80 });
    const clean = await hear(connection, alice, clip, {});
    expect(clean.error).toBeNull();
    expect(clean.packets.length).toBe(clean.said.packets.length);
    const stream = connection.receiver.subscribe(alice.id, { end: { behavior: EndBehaviorType.Manual } });
    const failed = once(stream, 'error');
    await discord.sendGarbage(discord.guild(), { ssrc: alice.ssrc });
    const [error] = (await failed) as [Error];
    expect(error.message).toMatch(/authenticate/);
  });

  it('GIVEN close code 4015 THEN the client resumes on the same session', async () => {
    const resumesBefore = discord.voice.resumes.length;
    discord.voice.closeBotConnection(discord.guild(), 4015);
    await expect.poll(() => discord.voice.resumes.length, { timeout: 3000 }).toBe(resumesBefore + 1);
    // Resumed once op 9 is processed: until then @discordjs/voice is not Ready and skips DAVE decryption.
    await entersState(connection, VoiceConnectionStatus.Ready, 3000);
    const heard = await hear(connection, alice, clip, {});
    expect(heard.packets.length).toBe(heard.said.packets.length);
  });

  it('GIVEN close code 4006 THEN the client rejoins with a new op 4 and a new identify', async () => {
    const requestsBefore = discord.voiceRequests.length;
    const identifiesBefore = discord.voice.identifies.length;
    const resumesBefore = discord.voice.resumes.length;
    discord.voice.closeBotConnection(discord.guild(), 4006);
    await expect.poll(() => discord.voiceRequests.length, { timeout: 3000 }).toBe(requestsBefore + 1);
    await discord.voice.waitReady(discord.guild().id);
    await entersState(connection, VoiceConnectionStatus.Ready, 5000);
    expect(discord.voice.identifies.length).toBe(identifiesBefore + 1);
    expect(discord.voice.resumes.length).toBe(resumesBefore);
  });

  it('GIVEN close code 4014 THEN the client is Disconnected and does not rejoin', async () => {
    const requestsBefore = discord.voiceRequests.length;
    discord.voice.closeBotConnection(discord.guild(), 4014);
    await entersState(connection, VoiceConnectionStatus.Disconnected, 3000);
    // A rejoin would follow within milliseconds; give it a bounded window to (not) happen.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(discord.voiceRequests.length).toBe(requestsBefore);
    expect(connection.state.status).toBe(VoiceConnectionStatus.Disconnected);
    discord.assertNoFailures();
  });
});
