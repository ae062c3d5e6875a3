// Counts a session's voice time into the store and ends the session when the daily budget is spent.
import type { Clock } from '../clock.ts';
import type { Store } from '../store/index.ts';
import type { GuildSession, SessionObserver } from './guild-session.ts';

export interface UsageMeterOptions {
  store: Store;
  clock: Clock;
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
  const { store, clock } = options;
  const intervalMs = options.intervalMs ?? 10_000;
  const running = new Map<GuildSession, { timer: unknown; countedUntil: number }>();

  function flush(session: GuildSession): void {
    const entry = running.get(session);
    if (!entry) return;
    const now = clock.now();
    store.usage.add(session.guildId, { voiceSeconds: (now - entry.countedUntil) / 1000 });
    entry.countedUntil = now;
  }

  function check(session: GuildSession): void {
    flush(session);
    const budget = store.settings.get(session.guildId).dailyVoiceMinutes;
    if (store.usage.remainingVoiceSeconds(session.guildId, budget) <= 0) {
      void session.end({ code: BUDGET_SPENT_CODE, message: budgetSpentMessage(budget) });
      return;
    }
    schedule(session);
  }

  function schedule(session: GuildSession): void {
    const entry = running.get(session);
    if (entry) entry.timer = clock.setTimeout(() => check(session), intervalMs);
  }

  return {
    attach(session) {
      running.set(session, { timer: null, countedUntil: clock.now() });
      schedule(session);
    },
    ended(session) {
      const entry = running.get(session);
      if (!entry) return;
      clock.clearTimeout(entry.timer);
      flush(session);
      running.delete(session);
    },
  };
}
