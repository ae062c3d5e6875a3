// Turns a guild's stored settings plus process config into the Live session's settings.
import type { Config } from '../config.ts';
import { DEFAULT_LIVE_SETTINGS, type LiveSettings } from '../live/settings.ts';
import type { GuildSettings } from '../store/index.ts';
import type { DiscordTurns } from './uplink.ts';

/**
 * 'default' keeps the Live layer's tuned defaults; 'low' waits for clearer speech before taking
 * a turn (noisy rooms), 'high' reacts to quieter speech and shorter pauses.
 */
const VAD: Record<
  GuildSettings['vadSensitivity'],
  Pick<LiveSettings, 'startSensitivity' | 'endSensitivity' | 'silenceDurationMs'>
> = {
  low: { startSensitivity: 'low', endSensitivity: 'low', silenceDurationMs: 1_200 },
  default: {
    startSensitivity: DEFAULT_LIVE_SETTINGS.startSensitivity,
    endSensitivity: DEFAULT_LIVE_SETTINGS.endSensitivity,
    silenceDurationMs: DEFAULT_LIVE_SETTINGS.silenceDurationMs,
  },
  high: { startSensitivity: 'high', endSensitivity: 'high', silenceDurationMs: 500 },
};

/**
 * Voice packets (ms) before a Discord-mode turn starts: four 20 ms packets, one more than a 60 ms
 * click or cough burst, and early enough that activityStart leaves ~80 ms after the first packet.
 */
export const MIN_BURST_MS = 80;

/** The uplink's turn-taking for a guild: Discord's packet boundaries, or none (server VAD). */
export function discordTurnsFor(settings: Readonly<GuildSettings>): DiscordTurns | undefined {
  if (settings.turnTaking !== 'discord') return undefined;
  return { holdMs: settings.endOfTurnHoldMs, minBurstMs: MIN_BURST_MS };
}

export function liveSettingsFor(
  config: Pick<Config, 'GEMINI_LIVE_MODEL' | 'UPLINK_CHUNK_MS'>,
  settings: Readonly<GuildSettings>,
): LiveSettings {
  const live: LiveSettings = {
    ...DEFAULT_LIVE_SETTINGS,
    ...VAD[settings.vadSensitivity],
    model: config.GEMINI_LIVE_MODEL,
    voiceName: settings.voiceName,
    systemInstruction: settings.persona,
    googleSearch: settings.googleSearch,
    activityDetection: settings.turnTaking === 'discord' ? 'client' : 'server',
    proactiveAudio: settings.proactiveAudio,
    inputChunkMs: config.UPLINK_CHUNK_MS,
  };
  if (settings.languageCode) live.languageCode = settings.languageCode;
  return live;
}
