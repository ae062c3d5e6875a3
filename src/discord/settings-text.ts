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

/** Every effective setting, one line each (values are user text: the caller disables mentions). */
export function settingsSummary(settings: Readonly<GuildSettings>): string {
  return SETTING_KEYS.map(
    (key) => `**${SETTING_SPECS[key].label}:** ${settingValueText(key, settings)}`,
  ).join('\n');
}

/**
 * Live setup values only reach Gemini when a session connects; the transcript channel is chosen at
 * /join; everything else the running session reads as it goes.
 */
export function whenItApplies(key: SettingKey, inVoiceNow: boolean): string {
  const nextSession = SETTING_SPECS[key].liveSetup || key === 'transcriptChannelId';
  if (!nextSession) return 'It applies now.';
  return inVoiceNow
    ? 'It applies from the next session (`/leave`, then `/join`).'
    : 'It applies the next time I join.';
}
