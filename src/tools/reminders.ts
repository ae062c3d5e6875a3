// ReminderScheduler: pending reminders per guild on an injectable clock, all cancelled by dispose().
import { type Clock, systemClock } from '../clock.ts';
import { BotError, ToolError } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface ReminderSchedulerOptions {
  /** Timers; default the system clock. */
  clock?: Clock;
  /** Wall time, for each reminder's `dueAt`; default `new Date()`. */
  wallClock?: () => Date;
  logger: Logger;
  /** Pending reminders one guild may have at once; default 10. */
  maxPerGuild?: number;
}

export interface ScheduledReminder {
  id: number;
  guildId: string;
  text: string;
  dueAt: Date;
}

export interface ReminderRequest {
  guildId: string;
  text: string;
  delayMs: number;
  /** Posts the reminder; failures are logged, never thrown into the timer. */
  deliver: () => Promise<void>;
}

const DEFAULT_MAX_PER_GUILD = 10;

export class ReminderScheduler {
  readonly #clock: Clock;
  readonly #wallClock: () => Date;
  readonly #logger: Logger;
  readonly #maxPerGuild: number;
  readonly #pending = new Map<number, { reminder: ScheduledReminder; timer: unknown }>();
  #nextId = 1;
  #disposed = false;

  constructor(options: ReminderSchedulerOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#wallClock = options.wallClock ?? (() => new Date());
    this.#logger = options.logger;
    this.#maxPerGuild = options.maxPerGuild ?? DEFAULT_MAX_PER_GUILD;
  }

  /** Throws ToolError REMINDER_LIMIT when the guild already has the maximum pending. */
  schedule(request: ReminderRequest): ScheduledReminder {
    if (this.#disposed) throw new BotError('REMINDERS_DISPOSED', 'The reminder scheduler has been shut down');
    if (this.pending(request.guildId).length >= this.#maxPerGuild) {
      throw new ToolError(
        `This server already has ${this.#maxPerGuild} reminders waiting.`,
        'REMINDER_LIMIT',
      );
    }
    const id = this.#nextId++;
    const reminder: ScheduledReminder = {
      id,
      guildId: request.guildId,
      text: request.text,
      dueAt: new Date(this.#wallClock().getTime() + request.delayMs),
    };
    const timer = this.#clock.setTimeout(() => {
      this.#pending.delete(id);
      request.deliver().catch((error: unknown) => {
        this.#logger.warn(
          { err: error, guildId: request.guildId, reminderId: id },
          'reminder could not be posted',
        );
      });
    }, request.delayMs);
    this.#pending.set(id, { reminder, timer });
    return reminder;
  }

  /** The guild's reminders not yet posted, soonest first. */
  pending(guildId: string): ScheduledReminder[] {
    return [...this.#pending.values()]
      .map((p) => p.reminder)
      .filter((r) => r.guildId === guildId)
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** Cancels every pending reminder (shutdown); later `schedule` calls throw. */
  dispose(): void {
    this.#disposed = true;
    for (const { timer } of this.#pending.values()) this.#clock.clearTimeout(timer);
    this.#pending.clear();
  }
}
