// Counts a session's voice time into the store and ends the session when the daily budget is spent.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import type { GuildSession, SessionObserver } from './guild-session.ts';

export interface UsageMeterOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** How often voice time is written and the budget checked (ms). */
  intervalMs?: number;
}

export const BUDGET_SPENT_CODE = 'VOICE_BUDGET_SPENT';

export function budgetSpentMessage(minutes: number): string {
  return `This server's daily voice budget (${minutes} min) is used up, so I left. It resets at midnight UTC; a server manager can change it with /config budget.`;
}

/**
 * Voice time is written every `intervalMs` (not only at the end) so a crash loses little, and so
 * several shard processes sharing one budget see each other's minutes.
 */
export function usageMeter(options: UsageMeterOptions): SessionObserver {
  const { store, clock, log } = options;
  const intervalMs = options.intervalMs ?? 10_000;
  /** `unsavedMs`: voice time a write failed to store (database away), added to the next write. */
  const running = new Map<GuildSession, { timer: unknown; countedUntil: number; unsavedMs: number }>();

  async function flush(session: GuildSession): Promise<void> {
    const entry = running.get(session);
    if (!entry) return;
    const now = clock.now();
    const ms = entry.unsavedMs + (now - entry.countedUntil);
    entry.countedUntil = now;
    entry.unsavedMs = 0;
    try {
      await store.usage.add(session.guildId, { voiceSeconds: ms / 1000 });
    } catch (error) {
      entry.unsavedMs += ms;
      log.warn(
        { err: error, guildId: session.guildId, unsavedMs: entry.unsavedMs },
        'voice time not saved yet',
      );
    }
  }

  async function check(session: GuildSession): Promise<void> {
    await flush(session);
    const budget = store.settings.current(session.guildId).dailyVoiceMinutes;
    let remaining: number;
    try {
      remaining = await store.usage.remainingVoiceSeconds(session.guildId, budget);
    } catch (error) {
      // Without the database the budget cannot be read: the session goes on, checked next time.
      log.warn({ err: error, guildId: session.guildId }, 'voice budget not checked');
      schedule(session);
      return;
    }
    if (remaining <= 0) {
      void session.end({ code: BUDGET_SPENT_CODE, message: budgetSpentMessage(budget) });
      return;
    }
    schedule(session);
  }

  function schedule(session: GuildSession): void {
    const entry = running.get(session);
    if (entry) entry.timer = clock.setTimeout(() => void check(session), intervalMs);
  }

  return {
    attach(session) {
      running.set(session, { timer: null, countedUntil: clock.now(), unsavedMs: 0 });
      schedule(session);
    },
    async ended(session) {
      const entry = running.get(session);
      if (!entry) return;
      clock.clearTimeout(entry.timer);
      await flush(session);
      running.delete(session);
    },
  };
}
