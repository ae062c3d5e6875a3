// The latest resumable Gemini Live handle per guild, so a restarted bot can resume a conversation.
import type { DatabaseSync } from 'node:sqlite';
import { BotError } from '../errors.ts';
import type { Clock } from './clock.ts';

/** Handles stay valid ~2 h (gemini-live.md); 10 min less so a resume does not race the expiry. */
export const HANDLE_MAX_AGE_MS = 2 * 60 * 60_000 - 10 * 60_000;

export interface StoredHandle {
  handle: string;
  /** When it was saved, ms since epoch (store clock). */
  savedAt: number;
}

export interface HandlesRepo {
  /** Replaces the guild's handle; call it for each `sessionResumptionUpdate` with resumable: true. */
  save(guildId: string, handle: string): void;
  /** The guild's handle when saved within `maxAgeMs`, else null (an older one is kept until cleared). */
  latest(guildId: string, maxAgeMs?: number): StoredHandle | null;
  /** Forget the handle (`/join fresh:true`, or a resume Gemini rejected). */
  clear(guildId: string): void;
}

export function createHandlesRepo(db: DatabaseSync, clock: Clock): HandlesRepo {
  const upsert = db.prepare(
    `INSERT INTO resumption_handles (guild_id, handle, saved_at) VALUES (?, ?, ?)
     ON CONFLICT (guild_id) DO UPDATE SET handle = excluded.handle, saved_at = excluded.saved_at`,
  );
  const select = db.prepare('SELECT handle, saved_at FROM resumption_handles WHERE guild_id = ?');
  const remove = db.prepare('DELETE FROM resumption_handles WHERE guild_id = ?');

  return {
    save: function saveHandle(guildId, handle) {
      if (handle === '') throw new BotError('STORE_INVALID_HANDLE', 'a resumption handle cannot be empty');
      upsert.run(guildId, handle, clock.now());
    },
    latest: function latestHandle(guildId, maxAgeMs = HANDLE_MAX_AGE_MS) {
      const row = select.get(guildId);
      if (row === undefined) return null;
      const savedAt = Number(row.saved_at);
      if (clock.now() - savedAt > maxAgeMs) return null;
      return { handle: String(row.handle), savedAt };
    },
    clear: function clearHandle(guildId) {
      remove.run(guildId);
    },
  };
}
