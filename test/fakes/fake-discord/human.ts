// A simulated guild member: joins and leaves voice, runs slash commands, posts messages and speaks.
import { randomBytes, randomInt } from 'node:crypto';
import { delay } from '../../helpers/wait.ts';
import type { PcmClip } from '../audio-analysis.ts';
import type { DaveCall } from './dave/call.ts';
import { HumanDaveClient } from './dave/human-client.ts';
import type { FakeDiscord, GuildRef } from './index.ts';
import { buildInteraction, InteractionHandle, type OptionValue } from './interaction.ts';
import type { StoredMessage } from './message-store.ts';
import { parseMentions, saveAttachment } from './rest-routes.ts';
import { type SayOptions, type SayResult, Speaker } from './speaker.ts';
import { type ChannelRecord, ChannelType, type UserRecord } from './world.ts';

export interface SendOptions {
  attachments?: Array<{ filename: string; contentType: string; data: Buffer }>;
  /** Reply to this message (message_reference); the replied author is pinged unless pingReply is false. */
  replyTo?: StoredMessage;
  pingReply?: boolean;
}

/** Time (ms) the client gets to apply SPEAKING (op 5, TLS websocket) before the first UDP packet lands. */
const SPEAKING_LEAD_MS = 30;

export class FakeHuman {
  readonly kind = 'user' as const;
  readonly user: UserRecord;
  readonly #discord: FakeDiscord;
  readonly #speaker = new Speaker(randomInt(1, 2 ** 31));
  /** Result of the last say(): send times of the first and last packet, per-packet faults. */
  lastSay: SayResult | null = null;
  /** This human's DAVE client in its current voice channel (null with DAVE off or out of voice). */
  #dave: HumanDaveClient | null = null;
  /** The call this human is in as a client without DAVE (joinVoice with dave: false). */
  #legacyIn: DaveCall | null = null;

  constructor(discord: FakeDiscord, user: UserRecord) {
    this.#discord = discord;
    this.user = user;
  }

  get id(): string {
    return this.user.id;
  }

  get name(): string {
    return this.user.username;
  }

  get ssrc(): number {
    return this.#speaker.ssrc;
  }

  /** The voice channel this human is in, in the given guild (or any guild). */
  voiceChannelId(guild?: GuildRef): string | null {
    for (const g of this.#discord.world.guilds.values()) {
      if (guild && g.id !== (typeof guild === 'string' ? guild : guild.id)) continue;
      const state = g.voiceStates.get(this.id);
      if (state?.channelId) return state.channelId;
    }
    return null;
  }

  /** Joins (or moves to) a voice channel: VOICE_STATE_UPDATE, and op 11/13 on the bot's voice sockets. */
  async joinVoice(
    channel: ChannelRecord,
    flags: { selfMute?: boolean; selfDeaf?: boolean; dave?: boolean } = {},
  ): Promise<void> {
    if (channel.type !== ChannelType.GuildVoice) throw new Error(`${channel.name} is not a voice channel`);
    const guild = this.#discord.world.guild(channel.guildId);
    const previous = guild.voiceStates.get(this.id)?.channelId ?? null;
    guild.voiceStates.set(this.id, {
      userId: this.id,
      channelId: channel.id,
      sessionId: randomBytes(16).toString('hex'),
      selfMute: flags.selfMute ?? false,
      selfDeaf: flags.selfDeaf ?? false,
    });
    this.#leaveDave();
    await this.#discord.announceVoiceMove(guild.id, this.id, previous, channel.id);
    const call = this.#discord.dave.call(channel.id);
    if (call && flags.dave === false) {
      // An old client without DAVE: its presence downgrades the whole call to protocol 0.
      this.#legacyIn = call;
      call.legacyJoin(this.id);
    } else if (call) {
      this.#dave = new HumanDaveClient({
        userId: this.id,
        call,
        connected: () => this.#discord.usersInVoice(guild.id, channel.id).concat(this.#discord.world.bot.id),
        commitDelayMs: this.#discord.humanCommitDelayMs,
        fail: (message) => this.#discord.failures.push(message),
      });
      this.#dave.start();
    }
  }

  #leaveDave(): void {
    this.#dave?.stop();
    this.#dave = null;
    this.#legacyIn?.legacyLeave(this.id);
    this.#legacyIn = null;
  }

  /** This human's DAVE client (its davey session), when DAVE is on and it is in voice. */
  get dave(): HumanDaveClient | null {
    return this.#dave;
  }

  /** Leaves voice in the channel's guild (or wherever this human is). */
  async leaveVoice(guild?: GuildRef): Promise<void> {
    for (const g of this.#discord.world.guilds.values()) {
      if (guild && g.id !== (typeof guild === 'string' ? guild : guild.id)) continue;
      const state = g.voiceStates.get(this.id);
      if (!state?.channelId) continue;
      const previous = state.channelId;
      state.channelId = null;
      await this.#discord.announceVoiceMove(g.id, this.id, previous, null);
      g.voiceStates.delete(this.id);
      this.#leaveDave();
    }
  }

  /**
   * Runs `/commandLine` ("join", "settings voice") with options from `from` (a text channel; default
   * the guild's first one). Returns a handle to await the bot's reply, defer, edits and follow-ups.
   */
  async slash(
    commandLine: string,
    options: Record<string, OptionValue> = {},
    from?: ChannelRecord,
  ): Promise<InteractionHandle> {
    const d = this.#discord;
    const channel = from ?? d.defaultTextChannel();
    const guild = d.world.guild(channel.guildId);
    await d.gateway.waitForSession(guild.id);
    const payload = buildInteraction(
      { world: d.world, guild, commands: d.commands, appId: d.appId, invokerId: this.id, channel },
      commandLine,
      options,
    );
    const handle = new InteractionHandle({
      id: String(payload.id),
      token: String(payload.token),
      name: commandLine,
      channelId: channel.id,
      payload,
    });
    d.interactions.set(handle.id, handle);
    d.gateway.dispatch('INTERACTION_CREATE', payload, { guildId: guild.id });
    return handle;
  }

  /** Posts a message in a text channel (MESSAGE_CREATE, content hidden from bots without MessageContent). */
  async send(channel: ChannelRecord, content: string, options: SendOptions = {}): Promise<StoredMessage> {
    const d = this.#discord;
    await d.gateway.waitForSession(channel.guildId);
    const mentions = parseMentions(content, undefined);
    const reply = options.replyTo;
    if (reply && options.pingReply !== false && !mentions.mentionIds.includes(reply.authorId)) {
      mentions.mentionIds.push(reply.authorId);
    }
    const message = d.messages.add(
      {
        channelId: channel.id,
        guildId: channel.guildId,
        authorId: this.id,
        content,
        flags: 0,
        ephemeral: false,
        ...(reply ? { replyTo: reply.id } : {}),
        attachments: (options.attachments ?? []).map((a) =>
          saveAttachment(
            { world: d.world, attachments: d.attachments, origin: () => d.origin },
            a.filename,
            a.contentType,
            a.data,
          ),
        ),
        ...mentions,
      },
      { content },
    );
    d.dispatchMessage(message, 'MESSAGE_CREATE');
    return message;
  }

  /** Posts "<@bot> text" in a text channel. */
  mention(channel: ChannelRecord, text: string, options: SendOptions = {}): Promise<StoredMessage> {
    return this.send(channel, `<@${this.#discord.world.bot.id}> ${text}`, options);
  }

  /**
   * Speaks 48 kHz PCM (mono is upmixed) into this human's voice channel, in real time, followed by
   * Opus silence frames. Packets go to the bot's voice session in that channel when it is ready;
   * SPEAKING (op 5) precedes the first packet on each session. Resolves after the last packet.
   */
  async say(clip: PcmClip, options: SayOptions = {}): Promise<SayResult> {
    const d = this.#discord;
    const result = await this.#speaker.say(
      clip,
      async () => {
        const channelId = this.voiceChannelId();
        if (!channelId) return null;
        const session = d.voice.readySessionIn(channelId);
        if (!session?.secretKey || !session.botAddress) return null;
        if (!session.speakingSent.has(this.id)) {
          session.speakingSent.add(this.id);
          await d.voice.send(session, 5, { user_id: this.id, ssrc: this.ssrc, speaking: 1, delay: 0 });
          await delay(SPEAKING_LEAD_MS);
        }
        const { secretKey, botAddress } = session;
        const dave = this.#dave;
        return {
          secretKey,
          encrypt: (opus: Buffer) => (dave ? dave.encrypt(opus) : opus),
          send: (datagram: Buffer) => d.voice.udp.send(datagram, botAddress),
        };
      },
      options,
    );
    this.lastSay = result;
    return result;
  }
}
