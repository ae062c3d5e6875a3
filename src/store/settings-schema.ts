// Per-guild settings: keys, defaults, limits and the one-sentence messages for invalid values.
import { z } from 'zod';
import { UserFacingError } from '../errors.ts';
import { DEFAULT_VOICE, PREBUILT_VOICES, type VoiceName } from '../live/voices.ts';

/** Server VAD start/end-of-speech sensitivity; 'default' leaves Gemini's own choice. */
export const VAD_SENSITIVITIES = ['low', 'default', 'high'] as const;
export type VadSensitivity = (typeof VAD_SENSITIVITIES)[number];

/**
 * Who ends a turn: 'discord' = the bot, from the speakers' packet boundaries (Gemini's manual
 * activity mode); 'gemini' = Gemini's server-side voice-activity detection on the audio.
 */
export const TURN_TAKING_MODES = ['discord', 'gemini'] as const;
export type TurnTaking = (typeof TURN_TAKING_MODES)[number];
/** Discord mode's end-of-turn hold bounds (ms): no packet from anyone for this long ends a turn. */
export const END_OF_TURN_HOLD_MIN_MS = 100;
export const END_OF_TURN_HOLD_MAX_MS = 2_000;

export const PERSONA_MAX_CHARS = 2_000;
export const IDLE_LEAVE_MAX_SECONDS = 3_600;
/** One day: a larger daily budget could never be reached. */
export const DAILY_VOICE_MAX_MINUTES = 1_440;

export const DEFAULT_PERSONA =
  'You are a friendly voice assistant in a Discord voice channel. Several people may talk to you; ' +
  'keep answers short and conversational, since they are spoken aloud, and ask when a request is unclear.';

/** The effective settings of one guild; `null` means "not set" (see each key's note). */
export interface GuildSettings {
  voiceName: VoiceName;
  /** System instruction sent in the Live setup. */
  persona: string;
  /** BCP-47 code for speech output, e.g. 'en-US'; null lets Gemini pick from the conversation. */
  languageCode: string | null;
  /** Where transcripts go; null = the text channel where /join was used. */
  transcriptChannelId: string | null;
  transcriptsEnabled: boolean;
  /** Post a line when Gemini calls a tool. */
  toolLinesEnabled: boolean;
  googleSearch: boolean;
  vadSensitivity: VadSensitivity;
  turnTaking: TurnTaking;
  /** Discord turn-taking: quiet (ms) after the last packet before the turn ends. */
  endOfTurnHoldMs: number;
  /** Let the model decide not to answer speech not meant for it (models that support it). */
  proactiveAudio: boolean;
  /** How long the bot stays once the voice channel has no humans left, in seconds (0 = at once). */
  idleLeaveSeconds: number;
  /** Voice minutes per UTC day for the guild; 0 = unlimited. */
  dailyVoiceMinutes: number;
}

export type SettingKey = keyof GuildSettings;
export type SettingsPatch = { [K in SettingKey]?: GuildSettings[K] };

export const DEFAULT_SETTINGS: Readonly<GuildSettings> = Object.freeze({
  voiceName: DEFAULT_VOICE,
  persona: DEFAULT_PERSONA,
  languageCode: null,
  transcriptChannelId: null,
  transcriptsEnabled: true,
  toolLinesEnabled: true,
  googleSearch: false,
  vadSensitivity: 'default',
  turnTaking: 'discord',
  endOfTurnHoldMs: 300,
  proactiveAudio: false,
  idleLeaveSeconds: 60,
  dailyVoiceMinutes: 0,
});

interface SettingSpec {
  /** Human name for /config show and error messages. */
  label: string;
  /**
   * When a change takes effect: 'nextSession' for what is fixed when a session starts (the Live
   * setup message, the transcript channel chosen at /join); 'now' for what the bot reads as it runs.
   */
  appliesAt: 'now' | 'nextSession';
  schema: z.ZodType;
  /** What is allowed, completing "<label> must be …". */
  allowed: string;
}

/** Language[-Script][-Region], after canonicalisation (en-us → en-US). */
const BCP47_SIMPLE = /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$/;

/** A blank text box or option means "not set" for the nullable settings. */
const blankAsNull = (schema: z.ZodType) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullable());

const languageCode = blankAsNull(
  z.string().transform((value, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(value.trim());
      if (canonical !== undefined && BCP47_SIMPLE.test(canonical)) return canonical;
    } catch {
      // A RangeError from Intl means "not a language tag"; reported below like any other miss.
    }
    ctx.addIssue({ code: 'custom', message: 'not a BCP-47 language code' });
    return z.NEVER;
  }),
);

const wholeIn = (min: number, max: number) => z.number().int().min(min).max(max);

export const SETTING_SPECS: Readonly<Record<SettingKey, SettingSpec>> = Object.freeze({
  voiceName: {
    label: 'Voice',
    appliesAt: 'nextSession',
    schema: z.enum(PREBUILT_VOICES),
    allowed: `one of the ${PREBUILT_VOICES.length} prebuilt voices (${PREBUILT_VOICES.join(', ')})`,
  },
  persona: {
    label: 'Persona',
    appliesAt: 'nextSession',
    schema: z
      .string()
      .max(PERSONA_MAX_CHARS)
      .refine((s) => s.trim().length > 0),
    allowed: `a text of 1 to ${PERSONA_MAX_CHARS} characters`,
  },
  languageCode: {
    label: 'Language',
    appliesAt: 'nextSession',
    schema: languageCode,
    allowed: 'a BCP-47 language code such as en-US or de-DE, or nothing to let Gemini choose',
  },
  transcriptChannelId: {
    label: 'Transcript channel',
    appliesAt: 'nextSession',
    schema: blankAsNull(z.string().regex(/^\d{17,20}$/)),
    allowed: 'a Discord channel id (17 to 20 digits), or nothing for the channel where /join was used',
  },
  transcriptsEnabled: {
    label: 'Transcripts',
    appliesAt: 'now',
    schema: z.boolean(),
    allowed: 'on or off',
  },
  toolLinesEnabled: { label: 'Tool-call lines', appliesAt: 'now', schema: z.boolean(), allowed: 'on or off' },
  googleSearch: {
    label: 'Google Search',
    appliesAt: 'nextSession',
    schema: z.boolean(),
    allowed: 'on or off',
  },
  vadSensitivity: {
    label: 'Voice-activity sensitivity',
    appliesAt: 'nextSession',
    schema: z.enum(VAD_SENSITIVITIES),
    allowed: 'low, default or high',
  },
  turnTaking: {
    label: 'Turn-taking',
    appliesAt: 'nextSession',
    schema: z.enum(TURN_TAKING_MODES),
    allowed: 'discord (fast: from when people stop sending audio) or gemini (Gemini listens for silence)',
  },
  endOfTurnHoldMs: {
    label: 'End-of-turn hold',
    appliesAt: 'nextSession',
    schema: wholeIn(END_OF_TURN_HOLD_MIN_MS, END_OF_TURN_HOLD_MAX_MS),
    allowed: `a whole number of milliseconds from ${END_OF_TURN_HOLD_MIN_MS} to ${END_OF_TURN_HOLD_MAX_MS}`,
  },
  proactiveAudio: {
    label: 'Proactive audio',
    appliesAt: 'nextSession',
    schema: z.boolean(),
    allowed: 'on or off',
  },
  idleLeaveSeconds: {
    label: 'Idle-leave grace period',
    appliesAt: 'now',
    schema: wholeIn(0, IDLE_LEAVE_MAX_SECONDS),
    allowed: `a whole number of seconds from 0 to ${IDLE_LEAVE_MAX_SECONDS}`,
  },
  dailyVoiceMinutes: {
    label: 'Daily voice-minutes budget',
    appliesAt: 'now',
    schema: wholeIn(0, DAILY_VOICE_MAX_MINUTES),
    allowed: `a whole number of minutes from 0 (unlimited) to ${DAILY_VOICE_MAX_MINUTES}`,
  },
});

export const SETTING_KEYS = Object.freeze(Object.keys(SETTING_SPECS) as SettingKey[]);

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTING_SPECS, key);
}

/** Parses one value for `key`, or undefined when it is not allowed (used for stored rows). */
export function parseSetting<K extends SettingKey>(key: K, value: unknown): GuildSettings[K] | undefined {
  const result = SETTING_SPECS[key].schema.safeParse(value);
  return result.success ? (result.data as GuildSettings[K]) : undefined;
}

/**
 * Validates a patch from a user; the first bad entry becomes a UserFacingError (code
 * SETTING_INVALID) whose message names the setting and what is allowed.
 */
export function validatePatch(patch: Readonly<Record<string, unknown>>): SettingsPatch {
  const valid: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!isSettingKey(key)) {
      throw new UserFacingError(`There is no setting called "${key}".`, 'SETTING_UNKNOWN');
    }
    const parsed = parseSetting(key, value);
    if (parsed === undefined) {
      const { label, allowed } = SETTING_SPECS[key];
      throw new UserFacingError(`${label} must be ${allowed}.`, 'SETTING_INVALID');
    }
    valid[key] = parsed;
  }
  return valid as SettingsPatch;
}

/** Checks caller-supplied defaults (e.g. from config) once, at open; a bad one is a bug. */
export function resolveDefaults(overrides: SettingsPatch = {}): Readonly<GuildSettings> {
  return Object.freeze({ ...DEFAULT_SETTINGS, ...validatePatch(overrides) });
}
