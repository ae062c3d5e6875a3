// Self-test of the fake's DAVE delivery service: a real @discordjs/voice client and davey humans in one call.

import { once } from 'node:events';
import {
  AudioPlayerStatus,
  entersState,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { type Client, GatewayIntentBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { dominantFrequency } from '../fakes/audio-analysis.ts';
import { readBotFrame } from '../fakes/fake-discord/dave/bot-frames.ts';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../fakes/fake-discord/index.ts';
import { tone } from '../fakes/tones.ts';
import { joinTestVoice, playPcm, startTestClient, stopTestClient } from './voice-test-client.ts';

// In-process trust for the fake's self-signed voice certificate (this test process only).
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

interface World {
  discord: FakeDiscord;
  client: Client;
}

async function start(options: FakeDiscordOptions = {}): Promise<World> {
  const discord = await startFakeDiscord(options);
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates];
  return { discord, client: await startTestClient(discord, { intents }) };
}

function join(w: World, daveEncryption = true): VoiceConnection {
  const guild = w.discord.guild();
  return joinTestVoice(w.client, guild.id, guild.voice().id, daveEncryption);
}

/** Plays a tone through the client and resolves when the player is idle again. */
async function play(connection: VoiceConnection, hz: number, ms: number): Promise<void> {
  const player = playPcm(connection, tone(hz, ms, { channels: 2 }));
  await entersState(player, AudioPlayerStatus.Playing, 2000);
  await entersState(player, AudioPlayerStatus.Idle, ms + 3000);
  player.stop(true);
}

describe('the fake voice gateway as a DAVE delivery service', () => {
  let w: World | undefined;
  afterEach(async () => {
    await stopTestClient(w?.client, w?.discord);
    w = undefined;
  });

  it('GIVEN two humans in a call WHEN the client joins THEN it is welcomed into their group and every member shows the same privacy code', async () => {
    w = await start();
    const { discord } = w;
    const vc = discord.guild().voice();
    const alice = discord.human('alice');
    const bob = discord.human('bob');
    await alice.joinVoice(vc);
    await bob.joinVoice(vc);
    const call = discord.dave.call(vc.id);
    if (!call) throw new Error('DAVE is on by default');
    await call.waitForGroup([alice.id, bob.id]);
    const humansEpoch = call.epoch;

    const connection = join(w);
    await entersState(connection, VoiceConnectionStatus.Ready, 5000);
    expect(discord.voice.sessions.get(discord.guild().id)?.daveProtocolVersion).toBe(1);
    await call.waitForGroup([alice.id, bob.id, discord.world.bot.id]);
    expect(call.epoch).toBe(humansEpoch + 1n);
    const code = connection.voicePrivacyCode;
    expect(code).toMatch(/^\d{30}$/);
    expect(alice.dave?.session.voicePrivacyCode).toBe(code);
    expect(bob.dave?.session.voicePrivacyCode).toBe(code);
    expect(call.rejectedCommits.filter((r) => !r.includes('already won'))).toEqual([]);
    discord.assertNoFailures();
  });

  it('GIVEN the group formed WHEN a human speaks and the client plays THEN both directions are E2EE frames the other side decrypts', async () => {
    w = await start();
    const { discord } = w;
    const vc = discord.guild().voice();
    const alice = discord.human('alice');
    await alice.joinVoice(vc);
    const connection = join(w);
    await entersState(connection, VoiceConnectionStatus.Ready, 5000);
    const call = discord.dave.call(vc.id);
    await call?.waitForGroup([alice.id, discord.world.bot.id]);

    const stream = connection.receiver.subscribe(alice.id);
    const got: Buffer[] = [];
    stream.on('data', (p: Buffer) => got.push(p));
    // receiver.speaking emits end 100 ms after alice's last packet: everything has arrived by then.
    const quiet = once(connection.receiver.speaking, 'end');
    const said = await alice.say(tone(440, 400));
    await quiet;
    const sent = said.packets.filter((p) => p.sentAtMs !== null);
    expect(sent.filter((p) => p.opus.length > 3).every((p) => p.e2ee)).toBe(true);
    // The client's DAVE session decrypted each frame back to the Opus alice encoded.
    expect(got.map((p) => p.toString('hex'))).toEqual(sent.map((p) => p.opus.toString('hex')));

    await play(connection, 660, 600);
    const frames = discord.botAudio.packets.filter((p) => p.frameKind !== 'silence');
    expect(frames.length).toBeGreaterThan(20);
    expect(frames.every((p) => p.frameKind === 'e2ee' && p.decryptedBy.includes(alice.id))).toBe(true);
    expect(Math.abs(dominantFrequency(discord.botAudio.pcm()) - 660)).toBeLessThan(20);
    // Once E2EE is in force a plain Opus frame from the client is played by nobody, as in a real
    // client (its davey session no longer allows passthrough for that member).
    const plain = readBotFrame(call ?? null, discord.world.bot.id, frames[0]?.opus ?? Buffer.alloc(0));
    expect(plain).toMatchObject({
      kind: 'passthrough',
      opus: null,
      decryptedBy: [],
      undecryptedBy: [alice.id],
    });
    discord.assertNoFailures();
  });

  it('GIVEN a call of the client and one human WHEN others join and leave THEN every change is one commit, one epoch, and the last one alone is reset', async () => {
    w = await start();
    const { discord } = w;
    const vc = discord.guild().voice();
    const bot = discord.world.bot.id;
    const [alice, bob, carol] = [discord.human('alice'), discord.human('bob'), discord.human('carol')];
    await alice.joinVoice(vc);
    const connection = join(w);
    await entersState(connection, VoiceConnectionStatus.Ready, 5000);
    const call = discord.dave.call(vc.id);
    if (!call) throw new Error('DAVE is on by default');
    await call.waitForGroup([alice.id, bot]);
    const first = call.epoch;
    await bob.joinVoice(vc);
    await call.waitForGroup([alice.id, bot, bob.id]);
    await carol.joinVoice(vc);
    await call.waitForGroup([alice.id, bot, bob.id, carol.id]);
    await bob.leaveVoice();
    await call.waitForGroup([alice.id, bot, carol.id]);
    expect(call.epoch).toBe(first + 3n);
    // bob's leaf is blank now; the next joiner fills the leftmost blank leaf (RFC 9420 §12.1.1).
    const taken = new Set(call.leaves.values());
    let blank = 0;
    while (taken.has(blank)) blank++;
    expect(blank).toBeLessThan(3);
    await bob.joinVoice(vc);
    await call.waitForGroup([alice.id, bot, bob.id, carol.id]);
    expect(call.leaves.get(bob.id)).toBe(blank);
    expect(connection.voicePrivacyCode).toBe(carol.dave?.session.voicePrivacyCode);

    await alice.leaveVoice();
    await bob.leaveVoice();
    await carol.leaveVoice();
    await call.until((c) => !c.established, 'the sole-member reset');
    expect(call.executed.at(-1)?.id).toBe(0);
    // The client reset its group: a new human creates a fresh group with it from epoch 1.
    const dave = discord.human('dave');
    await dave.joinVoice(vc);
    await call.waitForGroup([dave.id, bot]);
    expect(call.epoch).toBe(1n);
    expect(connection.voicePrivacyCode).toBe(dave.dave?.session.voicePrivacyCode);
    discord.assertNoFailures();
  });

  it('GIVEN a client that offers no DAVE THEN the gateway closes it with 4017 like Discord', async () => {
    w = await start();
    const connection = join(w, false);
    const closes: number[] = [];
    connection.on('stateChange', (_old, state) => {
      const networking = 'networking' in state ? state.networking : null;
      networking?.once('close', (code: number) => closes.push(code));
    });
    await once(w.discord.voice, 'change');
    await entersState(connection, VoiceConnectionStatus.Ready, 1000).catch(() => undefined);
    expect(w.discord.voice.daveRefusals).toBeGreaterThanOrEqual(1);
    expect(closes[0]).toBe(4017);
    expect(w.discord.voice.identifies.at(-1)?.max_dave_protocol_version).toBe(0);
    expect(connection.state.status).not.toBe(VoiceConnectionStatus.Ready);
  });

  it('GIVEN DAVE off in the fake THEN op 4 says protocol 0 and media is plain Opus', async () => {
    w = await start({ dave: false });
    const { discord } = w;
    const alice = discord.human('alice');
    await alice.joinVoice(discord.guild().voice());
    const connection = join(w);
    await entersState(connection, VoiceConnectionStatus.Ready, 5000);
    expect(discord.voice.sessions.get(discord.guild().id)?.daveProtocolVersion).toBe(0);
    const said = await alice.say(tone(440, 200));
    expect(said.packets.some((p) => p.e2ee)).toBe(false);
    await play(connection, 660, 300);
    expect(discord.botAudio.packets.every((p) => p.frameKind !== 'e2ee')).toBe(true);
    discord.assertNoFailures();
  });
});
