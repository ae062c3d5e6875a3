// Builds the repositories over either database, with the change feed that keeps memory current.
import { EventEmitter } from 'node:events';
import type { Clock } from './clock.ts';
import { createHandlesRepo } from './handles.ts';
import { createIdentifySlots } from './identify-slots.ts';
import { createOptOuts } from './opt-outs.ts';
import { createSettings } from './settings-repo.ts';
import type { GuildSettings } from './settings-schema.ts';
import type { SqlClient, StoreChange } from './sql-client.ts';
import type { Store, StoreEvents } from './store.ts';
import { createUsageRepo } from './usage.ts';

export interface OpenParts {
  clock: Clock;
  defaults: Readonly<GuildSettings>;
  /** SQLite: poll for other processes' writes; PostgreSQL: ping the server (ms). */
  watchIntervalMs?: number;
}

export type Repositories = Pick<
  Store,
  'settings' | 'optOuts' | 'usage' | 'handles' | 'identify' | 'events'
> & {
  /** Applies another process's change to memory. */
  applyRemote(change: StoreChange): Promise<void>;
  /** Re-reads everything held in memory (opt-outs, cached settings): after a reconnect or a poll hit. */
  refresh(): Promise<void>;
};

export async function buildRepositories(db: SqlClient, parts: OpenParts): Promise<Repositories> {
  const events = new EventEmitter<StoreEvents>();
  const optOuts = createOptOuts(db, parts.clock, (userId, optedOut) =>
    events.emit('optOut', userId, optedOut),
  );
  const settings = createSettings(db, parts.clock, parts.defaults, (guildId) =>
    events.emit('settings', guildId),
  );
  await optOuts.reload();
  return {
    settings: settings.repo,
    optOuts: optOuts.repo,
    usage: createUsageRepo(db, parts.clock),
    handles: createHandlesRepo(db, parts.clock),
    identify: createIdentifySlots(db),
    events,
    applyRemote: async (change) => {
      if (change.kind === 'optOut') optOuts.apply(change.userId, change.optedOut);
      else await settings.refresh(change.guildId);
    },
    refresh: async () => {
      await Promise.all([optOuts.reload(), settings.refreshAll()]);
    },
  };
}
