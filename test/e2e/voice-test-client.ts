// A tiny real discord.js + @discordjs/voice client (not the bot), for the self-tests of the fake Discord.
import { once } from 'node:events';
import { Readable } from 'node:stream';
import {
  type AudioPlayer,
  createAudioPlayer,
  createAudioResource,
  getVoiceConnections,
  joinVoiceChannel,
  StreamType,
  type VoiceConnection,
} from '@discordjs/voice';
import { Client, type ClientOptions, Events, GatewayIntentBits } from 'discord.js';
import type { PcmClip } from '../fakes/audio-analysis.ts';
import type { FakeDiscord } from '../fakes/fake-discord/index.ts';

const BASE_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildVoiceStates,
  GatewayIntentBits.GuildMessages,
];

/** A client logged in to `discord` and ready; `extra` overrides the defaults (intents, shards). */
export async function startTestClient(
  discord: FakeDiscord,
  extra: Partial<ClientOptions> = {},
): Promise<Client> {
  const client = new Client({ intents: BASE_INTENTS, rest: { api: discord.restUrl }, ...extra });
  const ready = once(client, Events.ClientReady);
  await client.login(discord.token);
  await ready;
  return client;
}

/** Joins the voice channel unmuted and undeafened; DAVE is offered unless `daveEncryption` is false. */
export function joinTestVoice(
  client: Client,
  guildId: string,
  channelId: string,
  daveEncryption = true,
): VoiceConnection {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) throw new Error('client does not know the guild');
  return joinVoiceChannel({
    guildId,
    channelId,
    adapterCreator: guild.voiceAdapterCreator,
    selfDeaf: false,
    daveEncryption,
  });
}

/** Starts playing 48 kHz stereo PCM on the connection; the caller waits on the player's states. */
export function playPcm(connection: VoiceConnection, clip: PcmClip): AudioPlayer {
  const player = createAudioPlayer();
  connection.subscribe(player);
  const raw = Buffer.from(clip.samples.buffer, clip.samples.byteOffset, clip.samples.byteLength);
  player.play(createAudioResource(Readable.from([raw]), { inputType: StreamType.Raw }));
  return player;
}

/** Leaves every voice connection, logs the client out and stops the fake. */
export async function stopTestClient(
  client: Client | undefined,
  discord: FakeDiscord | undefined,
): Promise<void> {
  for (const c of getVoiceConnections().values()) c.destroy();
  await client?.destroy();
  await discord?.stop();
}
