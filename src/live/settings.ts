// Per-guild Live session settings (what the setup message is built from) and their defaults.
import { DEFAULT_VOICE } from './voices.ts';

export type Sensitivity = 'high' | 'low';
export type ThinkingLevelName = 'minimal' | 'low' | 'medium' | 'high';

export interface LiveSettings {
  /** Model name without the `models/` prefix. */
  model: string;
  /** One of the prebuilt voices (e.g. Puck). */
  voiceName: string;
  systemInstruction?: string;
  /** BCP-47, e.g. 'en-US'; omitted = the model picks. */
  languageCode?: string;
  /** Adds the built-in Google Search tool next to our function declarations. */
  googleSearch: boolean;
  /**
   * Who decides when a turn starts and ends: 'server' = Gemini's voice-activity detection on the
   * audio (the settings below apply); 'client' = the bot sends activityStart / activityEnd.
   */
  activityDetection: 'server' | 'client';
  /** Automatic activity detection: how eagerly speech start / end is detected. */
  startSensitivity: Sensitivity;
  endSensitivity: Sensitivity;
  /** Silence (ms) before the server commits end of speech. */
  silenceDurationMs: number;
  /** Speech (ms) before the server commits start of speech. */
  prefixPaddingMs: number;
  /** Only sent to models whose capabilities say it is optional. */
  proactiveAudio?: boolean;
  /** Only sent to models that accept it. */
  affectiveDialog?: boolean;
  /** Only sent to models that take thinking as a token budget (2.5). */
  thinkingBudget?: number;
  /** Only sent to models that take thinking as a level (3.1, 3.8 extended thinking). */
  thinkingLevel?: ThinkingLevelName;
  /** Sliding-window compression (tokens); false = off, which limits audio sessions to ~15 min. */
  compression: { triggerTokens: number; targetTokens: number } | false;
  /** Uplink chunk length in ms of 16 kHz audio (20-100 ms is the documented sweet spot). */
  inputChunkMs: number;
}

/** Google's recommended default Live model since 2026-09-15 (GA); see capabilities.ts for sources. */
export const DEFAULT_LIVE_MODEL = 'gemini-3.8-live';

export const DEFAULT_LIVE_SETTINGS: Readonly<LiveSettings> = Object.freeze({
  model: DEFAULT_LIVE_MODEL,
  voiceName: DEFAULT_VOICE,
  googleSearch: false,
  activityDetection: 'server',
  startSensitivity: 'high',
  endSensitivity: 'high',
  silenceDurationMs: 800,
  prefixPaddingMs: 100,
  // The context window is ~128k tokens: compress well before it, keep about half.
  compression: { triggerTokens: 100_000, targetTokens: 50_000 },
  inputChunkMs: 40,
});
