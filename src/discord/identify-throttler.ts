// Gateway identifies spaced per max_concurrency bucket through the shared database, across hosts.
import type { IIdentifyThrottler, WebSocketOptions } from 'discord.js';
import type { Logger } from '../log.ts';

/** The store's part this needs (store/identify-slots.ts). */
export interface IdentifyGate {
  claim(bucket: number, signal?: AbortSignal): Promise<void>;
}

/** Discord's rule when the database is away: one identify per bucket per 5 s, kept in this process. */
const LOCAL_SPACING_MS = 5_000;

/**
 * discord.js's own throttler spaces identifies inside one process only; shard processes on other
 * hosts would identify in the same bucket at the same moment and be refused. Each identify here
 * first claims its bucket (shard id % max_concurrency) in the database. If the database cannot be
 * asked, the shard still connects, spaced only against this process's own identifies (logged).
 */
export function sharedIdentifyThrottler(
  gate: IdentifyGate,
  log: Logger,
): NonNullable<WebSocketOptions['buildIdentifyThrottler']> {
  return async function buildSharedIdentifyThrottler(manager) {
    const info = await manager.fetchGatewayInformation();
    const maxConcurrency = Math.max(1, info.session_start_limit.max_concurrency);
    const lastLocal = new Map<number, number>();
    const throttler: IIdentifyThrottler = {
      async waitForIdentify(shardId, signal) {
        const bucket = shardId % maxConcurrency;
        try {
          await gate.claim(bucket, signal);
        } catch (error) {
          if (signal.aborted) throw error;
          log.warn(
            { err: error, shardId, bucket },
            'identify not coordinated with other hosts (database unavailable)',
          );
          const waitMs = (lastLocal.get(bucket) ?? 0) + LOCAL_SPACING_MS - Date.now();
          if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
        lastLocal.set(bucket, Date.now());
      },
    };
    return throttler;
  };
}
