// Per-guild settings repository: defaults without writes, validated patches, per-key reset, a cache.
import type { Clock } from './clock.ts';
import {
  type GuildSettings,
  isSettingKey,
  parseSetting,
  type SettingKey,
  type SettingsPatch,
  validatePatch,
} from './settings-schema.ts';
import type { Row, SqlClient } from './sql-client.ts';

export interface SettingsRepo {
  /** Effective settings (stored values over defaults), frozen, read from the database. Never writes. */
  get(guildId: string): Promise<Readonly<GuildSettings>>;
  /**
   * The guild's settings as this process last read or wrote them, kept current by the change
   * feed, without waiting (running sessions keep working while the database is away). The
   * defaults for a guild this process never read.
   */
  current(guildId: string): Readonly<GuildSettings>;
  /**
   * Validates and stores the given keys (others keep their value); `null` clears a nullable key.
   * Throws UserFacingError (SETTING_INVALID / SETTING_UNKNOWN) and stores nothing when any
   * value is not allowed. Resolves with the new effective settings.
   */
  update(guildId: string, patch: SettingsPatch): Promise<Readonly<GuildSettings>>;
  /** Back to the default for one key, or for every key when none is given. */
  reset(guildId: string, key?: SettingKey): Promise<Readonly<GuildSettings>>;
}

export interface SettingsState {
  repo: SettingsRepo;
  /** Re-reads one cached guild (another process changed it); resolves when done. */
  refresh(guildId: string): Promise<void>;
  /** Re-reads every cached guild (after a reconnect, or when polling saw a change). */
  refreshAll(): Promise<void>;
}

export function createSettings(
  db: SqlClient,
  clock: Clock,
  defaults: Readonly<GuildSettings>,
  onChange: (guildId: string) => void,
): SettingsState {
  const cache = new Map<string, Readonly<GuildSettings>>();

  function effective(rows: readonly Row[]): Readonly<GuildSettings> {
    const merged: Record<string, unknown> = { ...defaults };
    for (const row of rows) {
      const key = String(row.key);
      // A row whose key or value this code no longer accepts (a setting removed, a voice
      // retired) falls back to the default instead of breaking the guild's sessions.
      if (!isSettingKey(key)) continue;
      const value = parseSetting(key, JSON.parse(String(row.value)));
      if (value !== undefined) merged[key] = value;
    }
    return Object.freeze(merged as unknown as GuildSettings);
  }

  async function read(guildId: string, via: Pick<SqlClient, 'all'> = db): Promise<Readonly<GuildSettings>> {
    const settings = effective(
      await via.all('SELECT key, value FROM guild_settings WHERE guild_id = ?', [guildId]),
    );
    const before = cache.get(guildId);
    cache.set(guildId, settings);
    if (before !== undefined && JSON.stringify(before) !== JSON.stringify(settings)) onChange(guildId);
    return settings;
  }

  /** Runs `write` and the change announcement in one transaction, then re-reads the guild. */
  async function changing(guildId: string, write: (tx: SqlClient) => Promise<void>) {
    await db.transaction(async (tx) => {
      await write(tx);
      await tx.announce({ kind: 'settings', guildId });
    });
    return read(guildId);
  }

  const repo: SettingsRepo = {
    get: (guildId) => read(guildId),
    current: (guildId) => cache.get(guildId) ?? defaults,
    update: async (guildId, patch) => {
      const valid = validatePatch(patch);
      const now = clock.now();
      return changing(guildId, async (tx) => {
        for (const [key, value] of Object.entries(valid)) {
          await tx.run(
            `INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
            [guildId, key, JSON.stringify(value), now],
          );
        }
      });
    },
    reset: (guildId, key) =>
      changing(guildId, async (tx) => {
        if (key === undefined) await tx.run('DELETE FROM guild_settings WHERE guild_id = ?', [guildId]);
        else await tx.run('DELETE FROM guild_settings WHERE guild_id = ? AND key = ?', [guildId, key]);
      }),
  };

  return {
    repo,
    refresh: async (guildId) => {
      if (cache.has(guildId)) await read(guildId);
    },
    refreshAll: async () => {
      await Promise.all([...cache.keys()].map((guildId) => read(guildId)));
    },
  };
}
