// Usage per guild per UTC day: voice time and Gemini token counts, add-only and shard-safe.
import { BotError } from '../errors.ts';
import type { Clock } from './clock.ts';
import type { SqlClient } from './sql-client.ts';

const DAY_MS = 86_400_000;

export interface UsageDelta {
  /** Seconds of voice session time to add (fractions kept to the millisecond). */
  voiceSeconds?: number;
  /** Token counts from Gemini's `usageMetadata` (promptTokenCount, responseTokenCount, totalTokenCount). */
  promptTokens?: number;
  responseTokens?: number;
  totalTokens?: number;
}

export interface UsageDay {
  /** UTC date, YYYY-MM-DD. */
  day: string;
  voiceSeconds: number;
  promptTokens: number;
  responseTokens: number;
  totalTokens: number;
}

export interface UsageRepo {
  /**
   * Adds to the guild's counters for the UTC day of `at` (default: now). One atomic upsert, so
   * concurrent adds from several processes are never lost. Negative or non-finite values throw
   * BotError STORE_INVALID_USAGE; token counts must be whole numbers.
   */
  add(guildId: string, delta: UsageDelta, at?: number): Promise<void>;
  today(guildId: string): Promise<UsageDay>;
  /** The last `days` UTC days ending today, oldest first, missing days as zeros. */
  lastDays(guildId: string, days?: number): Promise<UsageDay[]>;
  /** Voice seconds left today under a budget in minutes; Infinity when the budget is 0 (unlimited). */
  remainingVoiceSeconds(guildId: string, budgetMinutes: number): Promise<number>;
}

/** The UTC calendar day of a timestamp in ms, as YYYY-MM-DD. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function checked(name: string, value: number | undefined, whole: boolean): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0 || (whole && !Number.isSafeInteger(value))) {
    throw new BotError(
      'STORE_INVALID_USAGE',
      `${name} must be a ${whole ? 'whole ' : ''}number ≥ 0, got ${value}`,
    );
  }
  return value;
}

function zeroDay(day: string): UsageDay {
  return { day, voiceSeconds: 0, promptTokens: 0, responseTokens: 0, totalTokens: 0 };
}

export function createUsageRepo(db: SqlClient, clock: Clock): UsageRepo {
  async function range(guildId: string, days: number): Promise<UsageDay[]> {
    const now = clock.now();
    const wanted = Array.from({ length: days }, (_, i) => utcDay(now - (days - 1 - i) * DAY_MS));
    const found = new Map<string, UsageDay>();
    const rows = await db.all(
      `SELECT day, voice_ms, prompt_tokens, response_tokens, total_tokens FROM usage_daily
       WHERE guild_id = ? AND day BETWEEN ? AND ?`,
      [guildId, wanted[0] ?? '', wanted.at(-1) ?? ''],
    );
    for (const row of rows) {
      const day = String(row.day);
      found.set(day, {
        day,
        voiceSeconds: Number(row.voice_ms) / 1000,
        promptTokens: Number(row.prompt_tokens),
        responseTokens: Number(row.response_tokens),
        totalTokens: Number(row.total_tokens),
      });
    }
    return wanted.map((day) => found.get(day) ?? zeroDay(day));
  }

  async function add(guildId: string, delta: UsageDelta, at = clock.now()): Promise<void> {
    const voiceMs = Math.round(checked('voiceSeconds', delta.voiceSeconds, false) * 1000);
    const prompt = checked('promptTokens', delta.promptTokens, true);
    const response = checked('responseTokens', delta.responseTokens, true);
    const total = checked('totalTokens', delta.totalTokens, true);
    if (voiceMs === 0 && prompt === 0 && response === 0 && total === 0) return;
    // One upsert adding to the stored row: atomic in both databases, so no writer's increment is lost.
    await db.run(
      `INSERT INTO usage_daily (guild_id, day, voice_ms, prompt_tokens, response_tokens, total_tokens)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (guild_id, day) DO UPDATE SET
         voice_ms = usage_daily.voice_ms + excluded.voice_ms,
         prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
         response_tokens = usage_daily.response_tokens + excluded.response_tokens,
         total_tokens = usage_daily.total_tokens + excluded.total_tokens`,
      [guildId, utcDay(at), voiceMs, prompt, response, total],
    );
  }

  async function lastDays(guildId: string, days = 7): Promise<UsageDay[]> {
    if (!Number.isInteger(days) || days < 1 || days > 366) {
      throw new BotError('STORE_INVALID_USAGE', `days must be a whole number from 1 to 366, got ${days}`);
    }
    return range(guildId, days);
  }

  async function remainingVoiceSeconds(guildId: string, budgetMinutes: number): Promise<number> {
    if (budgetMinutes <= 0) return Number.POSITIVE_INFINITY;
    const used = (await range(guildId, 1))[0]?.voiceSeconds ?? 0;
    return Math.max(0, budgetMinutes * 60 - used);
  }

  return {
    add,
    today: async function usageToday(guildId) {
      return (await range(guildId, 1))[0] ?? zeroDay(utcDay(clock.now()));
    },
    lastDays,
    remainingVoiceSeconds,
  };
}
