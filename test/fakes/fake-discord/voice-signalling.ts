// The bot's voice signalling on the fake gateway: op 4 joins/leaves and the two dispatches answering them.
import type { GatewayServer, GatewaySession } from './gateway.ts';
import { Intent } from './gateway.ts';
import { type Json, voiceStatePayload } from './payloads.ts';
import type { VoiceServer } from './voice-server.ts';
import { type GuildRecord, Permission, type VoiceStateRecord, type World } from './world.ts';

export interface VoiceDispatch {
  /** 'state-first' is what Discord does; 'server-first' reproduces discord.js issue #11553. */
  order: 'state-first' | 'server-first';
  /** Delay (ms) between the two dispatches. */
  delayMs: number;
}

export interface VoiceRequest {
  guildId: string;
  /** null = leave. */
  channelId: string | null;
  /** The shard the op 4 arrived on. */
  shard: [number, number];
}

export interface VoiceSignallingOptions {
  world: World;
  gateway: GatewayServer;
  voice: VoiceServer;
  dispatch: VoiceDispatch;
}

export class VoiceSignalling {
  readonly requests: VoiceRequest[] = [];
  dispatch: VoiceDispatch;
  readonly #o: VoiceSignallingOptions;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: VoiceSignallingOptions) {
    this.#o = options;
    this.dispatch = options.dispatch;
  }

  /** Op 4 from the bot: record it, then leave, ignore (no permission, as Discord does) or connect. */
  onVoiceStateRequest(session: GatewaySession, d: Json): void {
    const { world, gateway, voice } = this.#o;
    const guild = world.guild(String(d.guild_id));
    const channelId = typeof d.channel_id === 'string' ? d.channel_id : null;
    this.requests.push({ guildId: guild.id, channelId, shard: session.shard });
    const state: VoiceStateRecord = {
      userId: world.bot.id,
      channelId,
      sessionId: session.sessionId,
      selfMute: Boolean(d.self_mute),
      selfDeaf: Boolean(d.self_deaf),
    };
    if (!channelId) {
      guild.voiceStates.delete(world.bot.id);
      voice.endSession(guild.id);
      gateway.dispatch('VOICE_STATE_UPDATE', voiceStatePayload(world, guild, state), {
        guildId: guild.id,
        intent: Intent.GuildVoiceStates,
      });
      return;
    }
    const needed = Permission.ViewChannel | Permission.Connect;
    // Like Discord, a join the bot may not make is silently ignored: no dispatch at all.
    if ((world.permissions(guild, world.bot.id, channelId) & needed) !== needed) return;
    this.connectBot(guild, state);
  }

  /** Puts the bot in a channel: VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE in the configured order. */
  connectBot(guild: GuildRecord, state: VoiceStateRecord): void {
    const { world, gateway, voice } = this.#o;
    guild.voiceStates.set(state.userId, state);
    const token = voice.expect({
      guildId: guild.id,
      channelId: state.channelId ?? '',
      userId: state.userId,
      sessionId: state.sessionId,
    });
    const stateUpdate = (): void => {
      gateway.dispatch('VOICE_STATE_UPDATE', voiceStatePayload(world, guild, state), {
        guildId: guild.id,
        intent: Intent.GuildVoiceStates,
      });
    };
    const serverUpdate = (): void => {
      gateway.dispatch(
        'VOICE_SERVER_UPDATE',
        { token, guild_id: guild.id, endpoint: voice.endpoint },
        { guildId: guild.id },
      );
    };
    const [first, second] =
      this.dispatch.order === 'state-first' ? [stateUpdate, serverUpdate] : [serverUpdate, stateUpdate];
    first();
    if (this.dispatch.delayMs <= 0) {
      second();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      second();
    }, this.dispatch.delayMs);
    this.#timers.add(timer);
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
