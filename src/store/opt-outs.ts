// Global opt-outs: a user listed here is never heard by Gemini nor transcribed, in any guild.
import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from './clock.ts';

export interface OptOutsRepo {
  /** Returns false when the user had already opted out. */
  add(userId: string): boolean;
  /** Returns false when the user had not opted out. */
  remove(userId: string): boolean;
  /**
   * One primary-key lookup on a prepared statement (microseconds), not cached in memory so an
   * /optout handled by another shard process applies here at once.
   */
  has(userId: string): boolean;
}

/** The lookup run for every new speaker; a test checks SQLite answers it from the primary key. */
export const OPT_OUT_LOOKUP_SQL = 'SELECT 1 AS found FROM opt_outs WHERE user_id = ?';

export function createOptOutsRepo(db: DatabaseSync, clock: Clock): OptOutsRepo {
  const insert = db.prepare(
    'INSERT INTO opt_outs (user_id, opted_out_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const remove = db.prepare('DELETE FROM opt_outs WHERE user_id = ?');
  const exists = db.prepare(OPT_OUT_LOOKUP_SQL);

  return {
    add: function addOptOut(userId) {
      return Number(insert.run(userId, clock.now()).changes) > 0;
    },
    remove: function removeOptOut(userId) {
      return Number(remove.run(userId).changes) > 0;
    },
    has: function hasOptedOut(userId) {
      return exists.get(userId) !== undefined;
    },
  };
}
