// The store's public surface: open it once in bot.ts and pass the instance down.

export { DEFAULT_VOICE, PREBUILT_VOICES, type VoiceName } from '../live/voices.ts';
export type { Clock } from './clock.ts';
export { HANDLE_MAX_AGE_MS, type HandlesRepo, type StoredHandle } from './handles.ts';
export { MIGRATIONS, type Migration, SCHEMA_VERSION } from './migrations.ts';
export type { OptOutsRepo } from './opt-outs.ts';
export type { SettingsRepo } from './settings-repo.ts';
export {
  DAILY_VOICE_MAX_MINUTES,
  DEFAULT_PERSONA,
  DEFAULT_SETTINGS,
  END_OF_TURN_HOLD_MAX_MS,
  END_OF_TURN_HOLD_MIN_MS,
  type GuildSettings,
  IDLE_LEAVE_MAX_SECONDS,
  PERSONA_MAX_CHARS,
  SETTING_KEYS,
  SETTING_SPECS,
  type SettingKey,
  type SettingsPatch,
  TURN_TAKING_MODES,
  type TurnTaking,
  VAD_SENSITIVITIES,
  type VadSensitivity,
} from './settings-schema.ts';
export {
  type OpenStoreOptions,
  openStore,
  STORE_FILE_NAME,
  type Store,
  type StoreEvents,
  type StoreHealth,
} from './store.ts';
export { NOT_READ_SENTENCE, NOT_SAVED_SENTENCE, unlessUnavailable } from './unavailable.ts';
export { type UsageDay, type UsageDelta, type UsageRepo, utcDay } from './usage.ts';
