// Global opt-outs: a user listed here is never heard by Gemini nor transcribed, in any guild.
import type { Clock } from './clock.ts';
import type { SqlClient } from './sql-client.ts';

export interface OptOutsRepo {
  /** Returns false when the user had already opted out. Applies in this process before it resolves. */
  add(userId: string): Promise<boolean>;
  /** Returns false when the user had not opted out. Applies in this process before it resolves. */
  remove(userId: string): Promise<boolean>;
  /**
   * Answered from memory (a Set lookup), so the 20 ms audio path never waits on the database;
   * other processes' changes reach the set through the store's change feed.
   */
  has(userId: string): boolean;
}

/** The repository plus what the store's change feed drives. */
export interface OptOutsState {
  repo: OptOutsRepo;
  /** Another process changed someone: update the set; returns true when it changed. */
  apply(userId: string, optedOut: boolean): boolean;
  /** Re-reads the whole table (at open, after a reconnect, when polling saw a change); returns who flipped. */
  reload(): Promise<Array<{ userId: string; optedOut: boolean }>>;
}

export function createOptOuts(
  db: SqlClient,
  clock: Clock,
  onChange: (userId: string, optedOut: boolean) => void,
): OptOutsState {
  const optedOut = new Set<string>();
  /** Bumped by every change applied while a reload may be reading, so a stale read is retried. */
  let epoch = 0;

  function apply(userId: string, value: boolean): boolean {
    epoch += 1;
    if (optedOut.has(userId) === value) return false;
    if (value) optedOut.add(userId);
    else optedOut.delete(userId);
    onChange(userId, value);
    return true;
  }

  async function reload(): Promise<Array<{ userId: string; optedOut: boolean }>> {
    for (;;) {
      const started = epoch;
      const rows = await db.all('SELECT user_id FROM opt_outs');
      if (epoch !== started) continue;
      const stored = new Set(rows.map((row) => String(row.user_id)));
      const flipped: Array<{ userId: string; optedOut: boolean }> = [];
      for (const userId of optedOut) if (!stored.has(userId)) flipped.push({ userId, optedOut: false });
      for (const userId of stored) if (!optedOut.has(userId)) flipped.push({ userId, optedOut: true });
      for (const change of flipped) apply(change.userId, change.optedOut);
      return flipped;
    }
  }

  const repo: OptOutsRepo = {
    add: async function addOptOut(userId) {
      const changed = await db.transaction(async (tx) => {
        const n = await tx.run(
          'INSERT INTO opt_outs (user_id, opted_out_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
          [userId, clock.now()],
        );
        await tx.announce({ kind: 'optOut', userId, optedOut: true });
        return n > 0;
      });
      apply(userId, true);
      return changed;
    },
    remove: async function removeOptOut(userId) {
      const changed = await db.transaction(async (tx) => {
        const n = await tx.run('DELETE FROM opt_outs WHERE user_id = ?', [userId]);
        await tx.announce({ kind: 'optOut', userId, optedOut: false });
        return n > 0;
      });
      apply(userId, false);
      return changed;
    },
    has: function hasOptedOut(userId) {
      return optedOut.has(userId);
    },
  };
  return { repo, apply, reload };
}
