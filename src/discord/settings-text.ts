// Human-readable text for guild settings: /config show and the "applies when" sentence.
import { type GuildSettings, SETTING_KEYS, SETTING_SPECS, type SettingKey } from '../store/index.ts';

const PERSONA_PREVIEW_CHARS = 300;

export function settingValueText(key: SettingKey, settings: Readonly<GuildSettings>): string {
  const value = settings[key];
  switch (key) {
    case 'transcriptChannelId':
      return value ? `<#${value}>` : 'the channel where /join is used';
    case 'languageCode':
      return value ? String(value) : 'chosen by Gemini';
    case 'idleLeaveSeconds':
      return `${value} s`;
    case 'endOfTurnHoldMs':
      return `${value} ms`;
    case 'turnTaking':
      return value === 'discord' ? 'fast (Discord)' : 'gemini (server VAD)';
    case 'dailyVoiceMinutes':
      return value === 0 ? 'unlimited' : `${value} min per day`;
    case 'persona': {
      const text = String(value);
      return text.length > PERSONA_PREVIEW_CHARS ? `${text.slice(0, PERSONA_PREVIEW_CHARS)}…` : text;
    }
    default:
      return typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
  }
}

/**
 * Every effective setting, one line each (values are user text: the caller disables mentions).
 * `noteFor` replaces a value the chosen model decides itself (e.g. proactive audio always on).
 */
export function settingsSummary(
  settings: Readonly<GuildSettings>,
  noteFor: (key: SettingKey) => string | undefined = () => undefined,
): string {
  return SETTING_KEYS.map(
    (key) => `**${SETTING_SPECS[key].label}:** ${noteFor(key) ?? settingValueText(key, settings)}`,
  ).join('\n');
}

/** The sentence after a change: whether the changed settings apply now or from the next session. */
export function whenItApplies(keys: readonly SettingKey[], inVoiceNow: boolean): string {
  if (keys.every((key) => SETTING_SPECS[key].appliesAt === 'now')) return 'It applies now.';
  return inVoiceNow
    ? 'It applies from the next session (`/leave`, then `/join`).'
    : 'It applies the next time I join.';
}
