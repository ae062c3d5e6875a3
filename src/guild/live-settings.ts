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

/**
 * Audio per message to Gemini with UPLINK_CHUNK_MS=auto. Every message costs the bot the same CPU
 * (base64, JSON, a WebSocket frame, a socket write) whatever its size. With fast turn-taking Gemini
 * answers only after activityEnd, which carries the partial chunk with it, and a turn's first audio
 * is flushed behind its activityStart, so a bigger chunk delays nothing anyone hears. Server VAD
 * judges the end of speech from the audio itself, so there every 20 ms of chunk is up to 20 ms
 * later turn end: 40 is its compromise.
 */
export const AUTO_CHUNK_MS = { discord: 100, gemini: 40 } as const;

/** The uplink chunk for a guild's turn-taking: the configured size, or the mode's own with 'auto'. */
export function uplinkChunkMsFor(
  configured: Config['UPLINK_CHUNK_MS'],
  turnTaking: GuildSettings['turnTaking'],
): number {
  return configured === 'auto' ? AUTO_CHUNK_MS[turnTaking] : configured;
}

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
    inputChunkMs: uplinkChunkMsFor(config.UPLINK_CHUNK_MS, settings.turnTaking),
  };
  if (settings.languageCode) live.languageCode = settings.languageCode;
  return live;
}
