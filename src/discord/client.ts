// Builds the discord.js client with the intents the bot needs and the configurable REST base.
import { Client, GatewayIntentBits, Options, type WebSocketOptions } from 'discord.js';
import type { Config } from '../config.ts';
import { NO_MENTIONS } from '../transcripts/format.ts';

/**
 * Guilds: channels, roles, members of the bot. GuildVoiceStates: without it a voice connection
 * never leaves Signalling. GuildMessages: @mentions (their content arrives even without the
 * privileged MessageContent intent, because the message mentions the bot).
 */
export const BOT_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildVoiceStates,
  GatewayIntentBits.GuildMessages,
] as const;

export function createDiscordClient(
  config: Pick<Config, 'DISCORD_API_URL'>,
  /** How identifies are spaced (discord/identify-throttler.ts); discord.js's per-process one if absent. */
  buildIdentifyThrottler?: WebSocketOptions['buildIdentifyThrottler'],
): Client {
  return new Client({
    ...(buildIdentifyThrottler === undefined ? {} : { ws: { buildIdentifyThrottler } }),
    intents: [...BOT_INTENTS],
    rest: { api: config.DISCORD_API_URL },
    // The bot never reads old messages; keep memory flat in thousands of guilds.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 50 }),
    // Never ping anyone by accident: each send that should ping must opt in explicitly.
    allowedMentions: NO_MENTIONS,
  });
}
