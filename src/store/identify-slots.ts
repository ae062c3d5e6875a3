// Gateway identify spacing shared through the database: one identify per bucket per 5 s, any host.
import type { SqlClient } from './sql-client.ts';

/** Discord allows one identify per max_concurrency bucket every 5 s; 0.5 s more for clock and network. */
export const IDENTIFY_SPACING_MS = 5_500;
/** Added to each wait so hosts woken together do not all retry at the same instant, in ms. */
const RETRY_JITTER_MS = 100;

export interface IdentifySlots {
  /**
   * Resolves when this process may identify in `bucket`, having claimed it for `spacingMs` on the
   * database's clock (so host clocks may disagree). Rejects when `signal` aborts or the database fails.
   */
  claim(bucket: number, signal?: AbortSignal, spacingMs?: number): Promise<void>;
}

export function createIdentifySlots(db: SqlClient): IdentifySlots {
  const now = db.nowMsSql;
  return {
    claim: async function claimIdentifySlot(bucket, signal, spacingMs = IDENTIFY_SPACING_MS) {
      for (;;) {
        signal?.throwIfAborted();
        // One statement: claim a free (or new) bucket, or change nothing when another holds it.
        const claimed = await db.all(
          `INSERT INTO identify_slots (bucket, next_at) VALUES (?, ${now} + ?)
           ON CONFLICT (bucket) DO UPDATE SET next_at = excluded.next_at
           WHERE identify_slots.next_at <= ${now}
           RETURNING next_at`,
          [bucket, spacingMs],
        );
        if (claimed.length > 0) return;
        const [row] = await db.all(`SELECT next_at - ${now} AS wait FROM identify_slots WHERE bucket = ?`, [
          bucket,
        ]);
        const waitMs = Math.max(0, Number(row?.wait ?? 0)) + Math.random() * RETRY_JITTER_MS;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, waitMs);
          signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              reject(signal.reason);
            },
            { once: true },
          );
        });
      }
    },
  };
}
