// The latest resumable Gemini Live handle per guild, so a restarted bot can resume a conversation.
import { BotError } from '../errors.ts';
import type { Clock } from './clock.ts';
import type { SqlClient } from './sql-client.ts';

/** Handles stay valid ~2 h (gemini-live.md); 10 min less so a resume does not race the expiry. */
export const HANDLE_MAX_AGE_MS = 2 * 60 * 60_000 - 10 * 60_000;

export interface StoredHandle {
  handle: string;
  /** When it was saved, ms since epoch (store clock). */
  savedAt: number;
}

export interface HandlesRepo {
  /** Replaces the guild's handle; call it for each `sessionResumptionUpdate` with resumable: true. */
  save(guildId: string, handle: string): Promise<void>;
  /** The guild's handle when saved within `maxAgeMs`, else null (an older one is kept until cleared). */
  latest(guildId: string, maxAgeMs?: number): Promise<StoredHandle | null>;
  /** Forget the handle (`/join fresh:true`, or a resume Gemini rejected). */
  clear(guildId: string): Promise<void>;
}

export function createHandlesRepo(db: SqlClient, clock: Clock): HandlesRepo {
  return {
    save: async function saveHandle(guildId, handle) {
      if (handle === '') throw new BotError('STORE_INVALID_HANDLE', 'a resumption handle cannot be empty');
      await db.run(
        `INSERT INTO resumption_handles (guild_id, handle, saved_at) VALUES (?, ?, ?)
         ON CONFLICT (guild_id) DO UPDATE SET handle = excluded.handle, saved_at = excluded.saved_at`,
        [guildId, handle, clock.now()],
      );
    },
    latest: async function latestHandle(guildId, maxAgeMs = HANDLE_MAX_AGE_MS) {
      const [row] = await db.all('SELECT handle, saved_at FROM resumption_handles WHERE guild_id = ?', [
        guildId,
      ]);
      if (row === undefined) return null;
      const savedAt = Number(row.saved_at);
      if (clock.now() - savedAt > maxAgeMs) return null;
      return { handle: String(row.handle), savedAt };
    },
    clear: async function clearHandle(guildId) {
      await db.run('DELETE FROM resumption_handles WHERE guild_id = ?', [guildId]);
    },
  };
}
