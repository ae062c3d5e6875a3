// Per-guild settings repository: defaults without writes, validated patches, per-key reset.
import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from './clock.ts';
import {
  type GuildSettings,
  isSettingKey,
  parseSetting,
  type SettingKey,
  type SettingsPatch,
  validatePatch,
} from './settings-schema.ts';

export interface SettingsRepo {
  /** Effective settings (stored values over defaults), frozen. Never writes. */
  get(guildId: string): Readonly<GuildSettings>;
  /**
   * Validates and stores the given keys (others keep their value); `null` clears a nullable key.
   * Throws UserFacingError (SETTING_INVALID / SETTING_UNKNOWN) and stores nothing when any
   * value is not allowed. Returns the new effective settings.
   */
  update(guildId: string, patch: SettingsPatch): Readonly<GuildSettings>;
  /** Back to the default for one key, or for every key when none is given. */
  reset(guildId: string, key?: SettingKey): Readonly<GuildSettings>;
}

export function createSettingsRepo(
  db: DatabaseSync,
  clock: Clock,
  defaults: Readonly<GuildSettings>,
): SettingsRepo {
  const selectAll = db.prepare('SELECT key, value FROM guild_settings WHERE guild_id = ?');
  const upsert = db.prepare(
    `INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const deleteOne = db.prepare('DELETE FROM guild_settings WHERE guild_id = ? AND key = ?');
  const deleteAll = db.prepare('DELETE FROM guild_settings WHERE guild_id = ?');

  function get(guildId: string): Readonly<GuildSettings> {
    const effective: Record<string, unknown> = { ...defaults };
    for (const row of selectAll.all(guildId)) {
      const key = String(row.key);
      // A row whose key or value this code no longer accepts (a setting removed, a voice
      // retired) falls back to the default instead of breaking the guild's sessions.
      if (!isSettingKey(key)) continue;
      const value = parseSetting(key, JSON.parse(String(row.value)));
      if (value !== undefined) effective[key] = value;
    }
    return Object.freeze(effective as unknown as GuildSettings);
  }

  function update(guildId: string, patch: SettingsPatch): Readonly<GuildSettings> {
    const valid = validatePatch(patch);
    const now = clock.now();
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const [key, value] of Object.entries(valid)) upsert.run(guildId, key, JSON.stringify(value), now);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    return get(guildId);
  }

  function reset(guildId: string, key?: SettingKey): Readonly<GuildSettings> {
    if (key === undefined) deleteAll.run(guildId);
    else deleteOne.run(guildId, key);
    return get(guildId);
  }

  return { get, update, reset };
}
