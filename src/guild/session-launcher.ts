// Builds and starts a GuildSession from a /join: settings, resume handle, Live, voice, observers.
import type { GoogleGenAI } from '@google/genai';
import type { Guild } from 'discord.js';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { textChannelSink, voiceRosterOf } from '../discord/guild-adapters.ts';
import { UserFacingError } from '../errors.ts';
import type { ModelAvailability } from '../live/model-availability.ts';
import { MODEL_GONE_CODE } from '../live/open-socket.ts';
import { LiveSession } from '../live/session.ts';
import type { ToolPort } from '../live/tool-port.ts';
import { guildLogger, type Logger } from '../log.ts';
import { type GuildSettings, type Store, unlessUnavailable } from '../store/index.ts';
import type { AudioOffload } from './audio-offload.ts';
import { GuildSession, type SessionObserver } from './guild-session.ts';
import { discordTurnsFor, liveSettingsFor } from './live-settings.ts';
import type { SessionRegistry } from './session-registry.ts';
import { BUDGET_SPENT_CODE, usageMeter } from './usage-meter.ts';

export const STORE_UNAVAILABLE_MESSAGE =
  'I cannot reach my database right now, so I cannot start a voice session; please try again in a minute.';

export interface SessionLauncherDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  audio: AudioOffload;
  ai: GoogleGenAI;
  tools: ToolPort & { abortAll(reason: string, guildId?: string): void };
  store: Store;
  sessions: SessionRegistry;
  /** Refuses /join with one sentence while the Live model is known to be gone. */
  models: ModelAvailability;
  /** Transcripts, metrics, …: told about every session. */
  observers?: readonly SessionObserver[];
  /** How often voice time is written and the budget checked (ms); default the meter's (10 s). */
  usageMeterIntervalMs?: number;
}

export interface LaunchRequest {
  guild: Guild;
  voiceChannelId: string;
  /** Where /join was used: notices go here, and transcripts unless the guild chose a channel. */
  textChannelId: string;
  /** Start a new conversation instead of resuming the guild's last one. */
  fresh: boolean;
}

export class SessionLauncher {
  readonly #deps: SessionLauncherDeps;

  readonly #usage: SessionObserver;

  constructor(deps: SessionLauncherDeps) {
    this.#deps = deps;
    this.#usage = usageMeter({
      store: deps.store,
      clock: deps.clock,
      log: deps.log,
      ...(deps.usageMeterIntervalMs === undefined ? {} : { intervalMs: deps.usageMeterIntervalMs }),
    });
  }

  async launch(request: LaunchRequest): Promise<GuildSession> {
    const gone = this.#deps.models.problem('live');
    if (gone) throw new UserFacingError(gone, MODEL_GONE_CODE);
    try {
      return await this.#launch(request);
    } catch (error) {
      if ((error as { code?: unknown }).code === MODEL_GONE_CODE) this.#deps.models.markGone('live');
      throw error;
    }
  }

  async #launch(request: LaunchRequest): Promise<GuildSession> {
    const { config, store, clock, audio, tools, ai, sessions, models } = this.#deps;
    const { guild, voiceChannelId } = request;
    const guildId = guild.id;
    const log = guildLogger(this.#deps.log, guildId);
    const { settings, resumeHandle } = await this.#readGuild(guildId, request.fresh);
    const textChannelId = settings.transcriptChannelId ?? request.textChannelId;
    const discordTurns = discordTurnsFor(settings);

    const createLive = () => {
      const live = new LiveSession({
        ai,
        settings: liveSettingsFor(config, settings),
        tools,
        origin: { guildId, channelId: textChannelId, userId: null, via: 'live' },
        logger: log.child({ part: 'live' }),
        modelGoneMessage: models.sentence('live'),
        ...(resumeHandle === undefined ? {} : { resumeHandle }),
      });
      // Retired while running (seen on a reconnect): later /joins are refused at once.
      live.on('fatal', (error) => error.code === MODEL_GONE_CODE && models.markGone('live'));
      // Persisted so a /join after a restart continues the same conversation (~2 h). Without the
      // database the conversation goes on; only a later resume or the day's token count misses it.
      live.on('handle', (handle) =>
        store.handles
          .save(guildId, handle)
          .catch((error: unknown) => log.warn({ err: error }, 'handle not saved')),
      );
      live.on('usage', (usage) =>
        store.usage
          .add(guildId, {
            promptTokens: usage.promptTokens,
            responseTokens: usage.responseTokens,
            totalTokens: usage.totalTokens,
          })
          .catch((error: unknown) => log.warn({ err: error }, 'token usage not saved')),
      );
      return live;
    };

    const lifecycle: SessionObserver = {
      ended: (_session, reason) => tools.abortAll(reason.message, guildId),
    };

    return sessions.start(
      guildId,
      () =>
        new GuildSession({
          guildId,
          voiceChannelId,
          textChannelId,
          voice: { adapterCreator: guild.voiceAdapterCreator, group: guild.client.user.id },
          createLive,
          audio,
          clock,
          log,
          roster: voiceRosterOf(guild),
          notices: textChannelSink(guild.client, textChannelId),
          mayListenTo: (userId) => !store.optOuts.has(userId),
          silenceTailMs: config.SILENCE_TAIL_MS,
          ...(discordTurns ? { discordTurns } : {}),
          idleLeaveMs: () => store.settings.current(guildId).idleLeaveSeconds * 1000,
          observers: [lifecycle, this.#usage, ...(this.#deps.observers ?? [])],
        }),
    );
  }

  /** What a /join reads from the database; the database being away becomes one clear sentence. */
  async #readGuild(
    guildId: string,
    fresh: boolean,
  ): Promise<{ settings: Readonly<GuildSettings>; resumeHandle: string | undefined }> {
    const { store } = this.#deps;
    const read = async () => {
      const settings = await store.settings.get(guildId);
      const remaining = await store.usage.remainingVoiceSeconds(guildId, settings.dailyVoiceMinutes);
      let resumeHandle: string | undefined;
      if (remaining > 0) {
        if (fresh) await store.handles.clear(guildId);
        else resumeHandle = (await store.handles.latest(guildId))?.handle;
      }
      return { settings, remaining, resumeHandle };
    };
    const { settings, remaining, resumeHandle } = await unlessUnavailable(
      store,
      read(),
      STORE_UNAVAILABLE_MESSAGE,
    );
    if (remaining <= 0) {
      throw new UserFacingError(
        `This server's daily voice budget (${settings.dailyVoiceMinutes} min) is used up. It resets at midnight UTC.`,
        BUDGET_SPENT_CODE,
      );
    }
    return { settings, resumeHandle };
  }
}
