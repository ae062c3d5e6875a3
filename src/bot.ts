// Composition of one bot process: builds every instance, wires events, starts and stops them.
import { GoogleGenAI } from '@google/genai';
import { type Client, Events } from 'discord.js';
import { configCommand } from '../commands/config.ts';
import { joinCommand } from '../commands/join.ts';
import { leaveCommand } from '../commands/leave.ts';
import { optInCommand, optOutCommand } from '../commands/optout.ts';
import { statusCommand } from '../commands/status.ts';
import { toolsCommand } from '../commands/tools.ts';
import { usageCommand } from '../commands/usage.ts';
import { type Clock, systemClock } from './clock.ts';
import { createOpusCodec } from './codec/create-opus-codec.ts';
import type { OpusCodec } from './codec/opus-codec.ts';
import { type Config, DEFAULT_LIVE_MODEL, DEFAULT_TEXT_MODEL } from './config.ts';
import { createDiscordClient } from './discord/client.ts';
import type { Command } from './discord/command.ts';
import { sharedIdentifyThrottler } from './discord/identify-throttler.ts';
import { InteractionRouter } from './discord/interaction-router.ts';
import { MentionHandler } from './discord/mentions.ts';
import { registerCommands } from './discord/register-commands.ts';
import { toolServicesFor } from './discord/tool-services.ts';
import type { AudioOffload } from './guild/audio-offload.ts';
import { SessionLauncher } from './guild/session-launcher.ts';
import { SessionRegistry } from './guild/session-registry.ts';
import { VoiceLatency } from './guild/voice-latency.ts';
import { WorkerAudio } from './guild/worker-audio.ts';
import { ModelAvailability } from './live/model-availability.ts';
import type { Logger } from './log.ts';
import { BotMetrics } from './metrics/bot-metrics.ts';
import { type MetricsServer, startMetricsServer } from './metrics/metrics-server.ts';
import { openStore, type Store } from './store/index.ts';
import { builtinTools } from './tools/builtin/builtin-tools.ts';
import type { AnyTool } from './tools/define-tool.ts';
import { ToolRegistry } from './tools/registry.ts';
import { ReminderScheduler } from './tools/reminders.ts';
import { toolCommands } from './tools/tool-commands.ts';
import { transcriptObserver } from './transcripts/session-transcripts.ts';

/** Every instance commands and handlers may need; built once per process, passed down. */
export interface BotServices {
  config: Config;
  log: Logger;
  clock: Clock;
  client: Client;
  codec: OpusCodec;
  /** The worker thread where every guild's Opus decoding and encoding runs. */
  audio: AudioOffload;
  ai: GoogleGenAI;
  store: Store;
  tools: ToolRegistry;
  reminders: ReminderScheduler;
  sessions: SessionRegistry;
  launcher: SessionLauncher;
  /** Whether the configured Gemini models are still offered. */
  models: ModelAvailability;
  latency: VoiceLatency;
  metrics: BotMetrics;
}

/** Test hooks; production passes nothing. */
export interface BotOptions {
  /** Tools registered after the built-in ones (e2e: a tool that throws or hangs). */
  extraTools?: readonly AnyTool[];
  /** How often voice time is written and the budget checked (ms); default the meter's own. */
  usageMeterIntervalMs?: number;
  /** The audio worker's entry file (chaos tests: one that crashes mid-answer). */
  audioWorkerUrl?: URL;
}

export interface RunningBot {
  readonly services: BotServices;
  /** Says goodbye in every voice session, closes sessions, the store and the gateway. Idempotent. */
  stop(reason: string): Promise<void>;
}

/** The slash commands this bot registers: hand-written ones plus one per tool. */
export function botCommands(tools: ToolRegistry): Command<BotServices>[] {
  const handWritten = [
    joinCommand,
    leaveCommand,
    configCommand,
    optOutCommand,
    optInCommand,
    usageCommand,
    toolsCommand,
    statusCommand,
  ];
  return [...handWritten, ...toolCommands(tools)] as Command<BotServices>[];
}

export async function buildServices(
  config: Config,
  log: Logger,
  options: BotOptions = {},
): Promise<BotServices> {
  const clock = systemClock;
  const codec = createOpusCodec();
  const audio = new WorkerAudio(codec, log.child({ part: 'audio' }), options.audioWorkerUrl);
  // v1beta is where the Live API lives; the SDK's 3.x default (v1) rejects Live setups.
  const ai = new GoogleGenAI({
    apiKey: config.GEMINI_API_KEY,
    apiVersion: 'v1beta',
    ...(config.GEMINI_BASE_URL ? { httpOptions: { baseUrl: config.GEMINI_BASE_URL } } : {}),
  });
  const models = new ModelAvailability({
    ai,
    models: {
      live: {
        name: config.GEMINI_LIVE_MODEL,
        variable: 'GEMINI_LIVE_MODEL',
        replacement: DEFAULT_LIVE_MODEL,
      },
      text: {
        name: config.GEMINI_TEXT_MODEL,
        variable: 'GEMINI_TEXT_MODEL',
        replacement: DEFAULT_TEXT_MODEL,
      },
    },
    logger: log.child({ part: 'models' }),
  });
  const settingsDefaults = { voiceName: config.GEMINI_VOICE };
  const store = await openStore(
    config.DATABASE_URL === undefined
      ? { dataDir: config.DATA_DIR, settingsDefaults }
      : { databaseUrl: config.DATABASE_URL, settingsDefaults },
  );
  const client = createDiscordClient(
    config,
    sharedIdentifyThrottler(store.identify, log.child({ part: 'gateway' })),
  );
  store.events.on('reachable', (up) =>
    up
      ? log.info({ store: store.location }, 'database reachable again')
      : log.error({ store: store.location }, 'database unreachable'),
  );
  const sessions = new SessionRegistry({ maxSessions: config.MAX_LIVE_SESSIONS, log });
  const reminders = new ReminderScheduler({ logger: log.child({ part: 'reminders' }) });
  const tools = new ToolRegistry({
    tools: [...builtinTools({ reminders }), ...(options.extraTools ?? [])],
    servicesFor: toolServicesFor(client, sessions),
    logger: log.child({ part: 'tools' }),
  });
  const metrics = new BotMetrics({ activeSessions: () => sessions.size });
  tools.onCall((call) => metrics.countToolCall(call));
  const latency = new VoiceLatency({ clock, onSample: (ms) => metrics.observeLatency(ms) });
  const launcher = new SessionLauncher({
    observers: [latency, metrics.observer, transcriptObserver({ client, store, clock, log })],
    config,
    log,
    clock,
    audio,
    ai,
    tools,
    store,
    sessions,
    models,
    ...(options.usageMeterIntervalMs === undefined
      ? {}
      : { usageMeterIntervalMs: options.usageMeterIntervalMs }),
  });
  return {
    config,
    log,
    clock,
    client,
    codec,
    audio,
    ai,
    store,
    tools,
    reminders,
    sessions,
    launcher,
    models,
    latency,
    metrics,
  };
}

export async function startBot(config: Config, log: Logger, options: BotOptions = {}): Promise<RunningBot> {
  const services = await buildServices(config, log, options);
  const { client, sessions, store, reminders, tools } = services;
  log.info({ opus: services.codec.name, audio: services.audio.kind, store: store.location }, 'starting');
  const router = new InteractionRouter<BotServices>(
    botCommands(tools),
    services,
    log.child({ part: 'commands' }),
  );

  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  const mentions = new MentionHandler({
    client,
    ai: services.ai,
    textModel: config.GEMINI_TEXT_MODEL,
    models: services.models,
    tools,
    sessions,
    store,
    clock: services.clock,
    log,
  });
  client.on(Events.MessageCreate, (message) => void mentions.handle(message));
  // Opt-outs made here or in any other process (change feed): every session here follows at once.
  store.events.on('optOut', (userId, optedOut) => {
    for (const session of sessions.all()) {
      if (optedOut) session.stopListeningTo(userId);
      else session.startListeningTo(userId);
    }
  });
  client.on(Events.VoiceStateUpdate, (oldState, newState) => {
    const session = sessions.get(newState.guild.id);
    if (!session) return;
    if (newState.id !== client.user?.id) {
      session.onVoiceStateChanged(newState.id, oldState.channelId, newState.channelId);
    } else if (newState.channelId === null && session.state.status === 'active') {
      session.onBotDisconnected();
    }
  });
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.once(Events.ClientReady, (ready) => {
    log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'logged in to Discord');
    registerCommands(
      ready,
      router.commands.map((c) => c.data),
      config.COMMANDS_GUILD_ID,
      log,
    ).catch((error: unknown) => log.error({ err: error }, 'slash command registration failed'));
  });

  // Bounded (5 s per model) and never fatal: a retired text model only disables @mention answers,
  // a retired Live model only /join; both are logged here in one sentence each.
  await services.models.check();

  const abandon = async () => {
    await store.close();
    await services.audio.close();
    await client.destroy();
  };
  try {
    await client.login(config.DISCORD_TOKEN);
  } catch (error) {
    await abandon();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  let metricsServer: MetricsServer | null;
  try {
    metricsServer = await startMetrics(services, () => stopped === undefined);
  } catch (error) {
    await abandon();
    throw error;
  }
  return {
    services,
    stop(reason) {
      stopped ??= (async () => {
        log.info({ reason, sessions: sessions.size }, 'stopping');
        await metricsServer?.close();
        services.metrics.stop();
        await sessions.endAll({ code: 'BOT_STOPPING', message: reason });
        tools.abortAll('the bot is stopping');
        reminders.dispose();
        await services.audio.close();
        await client.destroy();
        await store.close();
      })();
      return stopped;
    },
  };
}

/**
 * METRICS_PORT is the first shard's port: every shard process of `npm run start:sharded` inherits
 * the same setting, so shard n listens on METRICS_PORT + n.
 */
async function startMetrics(services: BotServices, running: () => boolean): Promise<MetricsServer | null> {
  const { config, client, metrics, log } = services;
  if (config.METRICS_PORT === undefined) return null;
  metrics.start();
  return startMetricsServer({
    port: config.METRICS_PORT + (client.shard?.ids[0] ?? 0),
    contentType: metrics.registry.contentType,
    render: () => metrics.render(),
    healthy: () => running() && client.isReady(),
    degraded: () => (services.store.reachable() ? null : 'database unreachable'),
    log: log.child({ part: 'metrics' }),
  });
}
