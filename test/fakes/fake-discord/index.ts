// Fake Discord for end-to-end tests: REST, gateway, TLS voice gateway and UDP media, with a scenario API.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotAudioCapture } from './bot-audio.ts';
import { DaveCalls } from './dave/calls.ts';
import { GatewayServer, type GatewaySession, Intent } from './gateway.ts';
import { type GuildView, guildView } from './guild-view.ts';
import { FakeHuman } from './human.ts';
import type { CommandRegistry, InteractionHandle } from './interaction.ts';
import { dispatchMessageEvent, identifyPayloads, type MessageEvent } from './message-dispatch.ts';
import { type AttachmentRecord, MessageStore, type StoredMessage } from './message-store.ts';
import { disconnectBot, moveBot, setPermissionOverwrite } from './moderation.ts';
import { type Json, memberPayload } from './payloads.ts';
import { garbageDatagram } from './raw-traffic.ts';
import { registerRoutes } from './rest-routes.ts';
import { RestServer } from './rest-server.ts';
import { createTestCertificate, writeCertificateFile } from './tls-cert.ts';
import { announceVoiceMove } from './voice-presence.ts';
import { VoiceServer } from './voice-server.ts';
import { type VoiceDispatch, type VoiceRequest, VoiceSignalling } from './voice-signalling.ts';
import { type ChannelRecord, type GuildSpec, type VoiceStateRecord, World } from './world.ts';

export type GuildRef = string | { id: string };

export interface FakeDiscordOptions {
  guilds?: GuildSpec[];
  botName?: string;
  token?: string;
  /** Shard count advertised by GET /gateway/bot (default 1). */
  shardCount?: number;
  /**
   * session_start_limit.max_concurrency advertised by GET /gateway/bot (default 64). Identifies in
   * one bucket (shard id % this) less than 5 s apart are recorded as failures, as Discord refuses them.
   */
  maxConcurrency?: number;
  gatewayHeartbeatIntervalMs?: number;
  voiceHeartbeatIntervalMs?: number;
  voiceDispatch?: Partial<VoiceDispatch>;
  /** DAVE end-to-end encryption on every voice call, as Discord requires since March 2026 (default true). */
  dave?: boolean;
  /** How long (ms) simulated humans take to answer DAVE proposals with a commit (default 10). */
  humanCommitDelayMs?: number;
}

export class FakeDiscord {
  readonly world: World;
  readonly token: string;
  readonly rest: RestServer;
  readonly gateway: GatewayServer;
  readonly voice: VoiceServer;
  readonly messages: MessageStore;
  readonly commands: CommandRegistry = { global: [], guild: new Map() };
  readonly interactions = new Map<string, InteractionHandle>();
  readonly attachments = new Map<string, AttachmentRecord>();
  /** Protocol violations seen by the fake (wrong shard, bad packets, ...): a test should expect none. */
  readonly failures: string[] = [];
  /** Every op 4 the bot sent: guild, channel (null = leave), shard and time. */
  /** The bot's voice joins and leaves (op 4) and the dispatches that answer them. */
  readonly signalling: VoiceSignalling;
  readonly caCertPem: string;
  readonly caCertPath: string;
  /** Every voice channel's DAVE group (the gateway as MLS delivery service). */
  readonly dave: DaveCalls;
  readonly humanCommitDelayMs: number;
  readonly #humans = new Map<string, FakeHuman>();

  constructor(options: FakeDiscordOptions, cert: { certPem: string; keyPem: string }, caCertPath: string) {
    this.token = options.token ?? 'fake-bot-token';
    this.world = new World(options.botName ?? 'fake-bot');
    for (const spec of options.guilds ?? [{ name: 'test-guild' }]) this.world.addGuild(spec);
    this.caCertPem = cert.certPem;
    this.caCertPath = caCertPath;
    const fail = (message: string): void => {
      this.failures.push(message);
    };
    this.messages = new MessageStore(this.world);
    this.rest = new RestServer(this.token);
    this.dave = new DaveCalls(options.dave ?? true, fail);
    this.humanCommitDelayMs = options.humanCommitDelayMs ?? 10;
    this.voice = new VoiceServer(cert, {
      heartbeatIntervalMs: options.voiceHeartbeatIntervalMs ?? 13_750,
      fail,
      dave: this.dave,
      connectedUsers: (guildId, channelId) => this.usersInVoice(guildId, channelId),
    });
    this.gateway = new GatewayServer({
      token: this.token,
      heartbeatIntervalMs: options.gatewayHeartbeatIntervalMs ?? 41_250,
      maxConcurrency: options.maxConcurrency ?? 64,
      fail,
      onIdentify: (session) => this.#onIdentify(session),
      onVoiceStateRequest: (session, d) => this.signalling.onVoiceStateRequest(session, d),
    });
    this.signalling = new VoiceSignalling({
      world: this.world,
      gateway: this.gateway,
      voice: this.voice,
      dispatch: { order: 'state-first', delayMs: 0, ...options.voiceDispatch },
    });
    registerRoutes(this.rest, {
      world: this.world,
      store: this.messages,
      appId: this.appId,
      shardCount: options.shardCount ?? 1,
      maxConcurrency: options.maxConcurrency ?? 64,
      gatewayUrl: () => this.gateway.url,
      commands: this.commands,
      interactions: this.interactions,
      attachments: this.attachments,
      origin: () => this.origin,
      dispatchMessage: (m, event) => this.dispatchMessage(m, event),
    });
  }

  /** Every op 4 the bot sent: guild, channel (null = leave) and the shard it came on. */
  get voiceRequests(): VoiceRequest[] {
    return this.signalling.requests;
  }

  /** Order and delay of VOICE_STATE_UPDATE / VOICE_SERVER_UPDATE after a join (settable per test). */
  get voiceDispatch(): VoiceDispatch {
    return this.signalling.dispatch;
  }

  set voiceDispatch(dispatch: VoiceDispatch) {
    this.signalling.dispatch = dispatch;
  }

  /** The application id, equal to the bot user's id as on Discord. */
  get appId(): string {
    return this.world.bot.id;
  }

  get origin(): string {
    return this.rest.origin;
  }

  /** REST base for `new Client({ rest: { api: restUrl } })` and DISCORD_API_URL. */
  get restUrl(): string {
    return `${this.rest.origin}/api`;
  }

  /** Everything the bot said in voice, all guilds. */
  get botAudio(): BotAudioCapture {
    return this.voice.udp.botAudio;
  }

  botAudioIn(guild: GuildRef): BotAudioCapture {
    return this.voice.udp.guildAudio(idOf(guild));
  }

  /** Environment for the bot as a child process (trusts the voice certificate via NODE_EXTRA_CA_CERTS). */
  childEnv(): Record<string, string> {
    return { DISCORD_TOKEN: this.token, DISCORD_API_URL: this.restUrl, NODE_EXTRA_CA_CERTS: this.caCertPath };
  }

  /** A guild (the first, or by name or id) with lookups of its channels by name. */
  guild(nameOrId?: string): GuildView {
    return guildView(this.world, nameOrId);
  }

  defaultTextChannel(): ChannelRecord {
    return this.guild().text();
  }

  /** The simulated member called `name` (created on first use, member of every guild; `bot` for another bot). */
  human(name: string, options: { roles?: string[]; bot?: boolean } = {}): FakeHuman {
    let human = this.#humans.get(name);
    if (!human) {
      const user = this.world.addUser(name, options.bot ?? false);
      for (const g of this.world.guilds.values()) {
        const member = this.world.addMember(g, user.id, options.roles ?? []);
        this.gateway.dispatch(
          'GUILD_MEMBER_ADD',
          { ...memberPayload(this.world, member), guild_id: g.id },
          {
            guildId: g.id,
            intent: Intent.GuildMembers,
          },
        );
      }
      human = new FakeHuman(this, user);
      this.#humans.set(name, human);
    }
    return human;
  }

  /** Messages of a channel, oldest first, edits applied (raw request bodies in `.raw`). */
  messagesIn(channel: ChannelRecord | string): StoredMessage[] {
    return this.messages.inChannel(typeof channel === 'string' ? channel : channel.id);
  }

  /** Waits for a message in the channel (new or edited) matching the predicate. */
  waitForMessage(
    channel: ChannelRecord,
    predicate: (m: StoredMessage) => boolean = () => true,
    timeoutMs = 5000,
  ) {
    return this.messages.waitFor(
      (m) => m.channelId === channel.id && predicate(m),
      timeoutMs,
      `a message in #${channel.name}`,
    );
  }

  /** Users other than the bot in a voice channel. */
  usersInVoice(guildId: string, channelId: string): string[] {
    const states = [...this.world.guild(guildId).voiceStates.values()];
    return states
      .filter((v) => v.channelId === channelId && v.userId !== this.world.bot.id)
      .map((v) => v.userId);
  }

  botVoiceState(guild: GuildRef): VoiceStateRecord | undefined {
    return this.world.guild(idOf(guild)).voiceStates.get(this.world.bot.id);
  }

  /** Sets a permission overwrite (e.g. deny Connect to the bot) and dispatches CHANNEL_UPDATE. */
  setPermissionOverwrite(
    channel: ChannelRecord,
    target: { kind: 'role' | 'user'; id: string },
    perms: { allow?: bigint; deny?: bigint },
  ): void {
    setPermissionOverwrite(this, channel, target, perms);
  }

  /** A moderator moves the bot: voice websocket closed with 4014, then state and server updates. */
  moveBot(guild: GuildRef, channel: ChannelRecord): void {
    moveBot(this, idOf(guild), channel);
  }

  /** A moderator disconnects the bot: voice websocket closed with 4014, state update with channel null. */
  disconnectBot(guild: GuildRef): void {
    disconnectBot(this, idOf(guild));
  }

  /** A datagram from the voice server's UDP port that no real client sends (see raw-traffic.ts). */
  sendGarbage(guild: GuildRef, options: { ssrc?: number; bytes?: number } = {}): Promise<void> {
    return this.sendDatagram(guild, garbageDatagram(options));
  }

  /** Sends `datagram` exactly as given from the voice server's UDP port to the bot's voice socket. */
  async sendDatagram(guild: GuildRef, datagram: Buffer): Promise<void> {
    const session = this.voice.sessions.get(idOf(guild));
    if (!session?.botAddress) throw new Error('fake-discord: the bot has no voice address yet');
    await this.voice.udp.send(datagram, session.botAddress);
  }

  /** Throws listing every protocol failure the fake recorded. */
  assertNoFailures(): void {
    if (this.failures.length > 0) throw new Error(`fake-discord failures:\n${this.failures.join('\n')}`);
  }

  /** Announces a human's voice move: VOICE_STATE_UPDATE on the gateway, op 13/11 on the bot's voice sockets. */
  announceVoiceMove(guildId: string, userId: string, from: string | null, to: string | null): Promise<void> {
    return announceVoiceMove(this, guildId, userId, from, to);
  }

  /** MESSAGE_* dispatch, hiding content from sessions without MessageContent unless the bot is mentioned. */
  dispatchMessage(message: StoredMessage, event: MessageEvent): void {
    dispatchMessageEvent(
      { world: this.world, gateway: this.gateway, messages: this.messages },
      message,
      event,
    );
  }

  #onIdentify(session: GatewaySession): { ready: Json; guildCreates: Json[] } {
    return identifyPayloads(this.world, session, { appId: this.appId, resumeUrl: this.gateway.url });
  }

  async start(): Promise<void> {
    await this.rest.start();
    await this.gateway.start();
    await this.voice.start();
  }

  /** Closes every server and socket and deletes the certificate file. */
  async stop(): Promise<void> {
    this.signalling.stop();
    await Promise.all([this.voice.stop(), this.gateway.stop(), this.rest.stop()]);
    await rm(this.caCertPath, { force: true });
  }
}

function idOf(guild: GuildRef): string {
  return typeof guild === 'string' ? guild : guild.id;
}

/** Starts a fake Discord on 127.0.0.1 (REST, gateway, TLS voice gateway, UDP). Call stop() when done. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const cert = await createTestCertificate();
  const caCertPath = join(tmpdir(), `fake-discord-ca-${randomBytes(6).toString('hex')}.pem`);
  await writeCertificateFile(cert.certPem, caCertPath);
  const discord = new FakeDiscord(options, cert, caCertPath);
  await discord.start();
  return discord;
}

export type { BotAudioCapture, CapturedPacket, PcmOptions } from './bot-audio.ts';
export { Intent } from './gateway.ts';
export type { GuildView } from './guild-view.ts';
export type { FakeHuman, SendOptions } from './human.ts';
export type { InteractionHandle, InteractionResponse, OptionValue } from './interaction.ts';
export type { StoredMessage } from './message-store.ts';
export type { RestCall } from './rest-server.ts';
export type { SayOptions, SayResult, SentPacket, VoiceFaults } from './speaker.ts';
export { INVALID_OPUS_PACKET, OPUS_SILENCE_FRAME } from './speaker.ts';
export type { VoiceSession } from './voice-server.ts';
export type { VoiceDispatch, VoiceRequest } from './voice-signalling.ts';
export type { ChannelRecord, GuildSpec, UserRecord } from './world.ts';
export { Permission } from './world.ts';
