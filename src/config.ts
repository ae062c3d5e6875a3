// The one reader of process.env: validates every setting at start-up into a frozen Config.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_LIVE_MODEL } from './live/settings.ts';
import { DEFAULT_VOICE, PREBUILT_VOICES } from './live/voices.ts';

export { DEFAULT_LIVE_MODEL };

/**
 * The deprecations page's recommended replacement for gemini-2.5-flash, which Google shut down on
 * 2026-12-01 (see README, "Models"). Google retires preview models with little notice.
 */
export const DEFAULT_TEXT_MODEL = 'gemini-3.5-flash-lite';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Empty strings in .env mean "not set", so defaults apply. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const snowflake = z.string().regex(/^\d{17,20}$/, 'a Discord id (17–20 digits)');
const httpUrl = z
  .string()
  .url('a URL')
  .refine((u) => /^https?:\/\//.test(u), 'an http:// or https:// URL')
  .transform((u) => u.replace(/\/+$/, ''));
const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

/**
 * Every setting: the schema and, for the error message, what is expected. Secrets are marked so
 * their values are never echoed.
 */
const SETTINGS = {
  DISCORD_TOKEN: {
    schema: z.string().regex(/^[\w-]{10,}\.[\w-]{3,}\.[\w-]{10,}$/, 'a bot token'),
    expected: 'your bot token from the Discord Developer Portal (Bot → Reset Token)',
    required: true,
    secret: true,
  },
  GEMINI_API_KEY: {
    schema: z.string().regex(/^\S{10,}$/, 'an API key'),
    expected: 'an API key from Google AI Studio',
    required: true,
    secret: true,
  },
  DISCORD_API_URL: {
    schema: optional(httpUrl).default('https://discord.com/api'),
    expected: 'the Discord REST base URL, e.g. https://discord.com/api',
  },
  GEMINI_BASE_URL: {
    schema: optional(httpUrl),
    expected: 'an http(s) URL of a Gemini API gateway, or leave it empty',
  },
  GEMINI_LIVE_MODEL: {
    schema: optional(z.string().regex(/^[\w.-]+$/)).default(DEFAULT_LIVE_MODEL),
    expected: `a Live model name, e.g. ${DEFAULT_LIVE_MODEL}`,
  },
  GEMINI_TEXT_MODEL: {
    schema: optional(z.string().regex(/^[\w.-]+$/)).default(DEFAULT_TEXT_MODEL),
    expected: `a text model name, e.g. ${DEFAULT_TEXT_MODEL}`,
  },
  GEMINI_VOICE: {
    schema: optional(z.enum(PREBUILT_VOICES)).default(DEFAULT_VOICE),
    expected: 'one of the prebuilt voices (Puck, Kore, Charon, … — see README)',
  },
  COMMANDS_GUILD_ID: {
    schema: optional(snowflake),
    expected: 'a server id (17–20 digits) to register commands instantly there, or leave it empty',
  },
  DATA_DIR: {
    schema: optional(z.string()).default('./data'),
    expected: 'a writable directory for the database',
  },
  // Secret: the URL usually carries the database password.
  DATABASE_URL: {
    schema: optional(z.string().regex(/^postgres(?:ql)?:\/\/\S+$/, 'a postgres:// URL')),
    expected:
      'a postgres://user:password@host:5432/database URL to share one PostgreSQL between hosts, or leave it empty for SQLite in DATA_DIR',
    secret: true,
  },
  LOG_LEVEL: {
    schema: optional(z.enum(LOG_LEVELS)).default('info'),
    expected: `one of ${LOG_LEVELS.join(', ')}`,
  },
  LOG_FORMAT: {
    schema: optional(z.enum(['auto', 'pretty', 'json'])).default('auto'),
    expected: 'auto (pretty on a terminal, JSON otherwise), pretty or json',
  },
  LOG_PII: {
    schema: optional(bool).default(false),
    expected: 'true to log transcripts and user ids (debugging only), otherwise false',
  },
  UPLINK_CHUNK_MS: {
    schema: optional(
      z.union([z.literal('auto'), intIn(20, 100).refine((n) => n % 20 === 0, 'a multiple of 20')]),
    ).default('auto'),
    expected:
      "milliseconds of audio per message to Gemini: 'auto' (100 with fast turn-taking, 40 with server VAD), or 20, 40, 60, 80 or 100",
  },
  SILENCE_TAIL_MS: {
    schema: optional(intIn(200, 5000)).default(1000),
    expected: 'milliseconds of silence sent after everyone stops talking (200–5000)',
  },
  MAX_LIVE_SESSIONS: {
    schema: optional(intIn(1, 10_000)).default(100),
    expected: 'how many voice sessions one process may run at once (1–10000)',
  },
  // Not SHARD_COUNT: discord.js's Client reads that variable itself (the ShardingManager sets it for
  // each child), and Number('auto') there makes every Client construction throw.
  TOTAL_SHARDS: {
    schema: optional(z.union([z.literal('auto'), intIn(1, 10_000)])).default('auto'),
    expected: "'auto' or a number of shards (only used by npm run start:sharded)",
  },
  SHARD_IDS: {
    schema: optional(
      z
        .string()
        .refine((text) => parseShardIds(text) !== null, 'a shard list')
        .transform((text) => parseShardIds(text) ?? []),
    ),
    expected:
      'the shards this host runs, as a list and/or ranges such as 0,1 or 0-3,8 (needs TOTAL_SHARDS as a number); empty runs them all',
  },
  SHARD_SPAWN_DELAY_MS: {
    schema: optional(intIn(0, 60_000)).default(5_500),
    expected: 'milliseconds between starting two shards (Discord allows one login per 5 s per bucket)',
  },
  METRICS_PORT: {
    schema: optional(intIn(1, 65_535)),
    expected: 'a TCP port for Prometheus metrics and /healthz, or leave it empty',
  },
} satisfies Record<string, { schema: z.ZodType; expected: string; required?: true; secret?: true }>;

type Settings = typeof SETTINGS;
export type Config = Readonly<{ [K in keyof Settings]: z.output<Settings[K]['schema']> }>;

/** Every bad variable at once, in one readable message with no secret values in it. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      [
        'The bot cannot start because its configuration is incomplete:',
        ...problems.map((p) => `  - ${p}`),
        'Set these in the environment or in a .env file (copy .env.example to .env and fill it in).',
      ].join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [string, Settings[keyof Settings]][]) {
    const raw = env[name];
    if ('required' in setting && (raw === undefined || raw.trim() === '')) {
      problems.push(`${name} is missing: expected ${setting.expected}.`);
      continue;
    }
    const result = setting.schema.safeParse(raw);
    if (result.success) {
      out[name] = result.data;
    } else {
      const shown = 'secret' in setting && setting.secret ? 'is not valid' : `is ${JSON.stringify(raw)}`;
      problems.push(`${name} ${shown}: expected ${setting.expected}.`);
    }
  }
  const shardIds = out.SHARD_IDS as readonly number[] | undefined;
  if (shardIds !== undefined && problems.length === 0) {
    const total = out.TOTAL_SHARDS;
    if (total === 'auto') {
      problems.push(
        'SHARD_IDS is set but TOTAL_SHARDS is auto: set TOTAL_SHARDS to the same number on every host.',
      );
    } else if (shardIds.some((id) => id >= Number(total))) {
      problems.push(
        `SHARD_IDS lists shard ${Math.max(...shardIds)}, but TOTAL_SHARDS is ${total}: shard ids go from 0 to ${Number(total) - 1}.`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}

/** "0,2-4" → [0, 2, 3, 4] (sorted, no repeats); null when it is not such a list. */
export function parseShardIds(text: string): number[] | null {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(part);
    if (!match) return null;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) return null;
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Reads `.env` (if present) into process.env without overriding what is already set, then parses. */
export function loadConfig(envFile = '.env'): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env);
}

/** Secret values, for the logger's scrubber. */
export function secretsOf(config: Config): string[] {
  const secrets = [config.DISCORD_TOKEN, config.GEMINI_API_KEY];
  if (config.DATABASE_URL !== undefined)
    secrets.push(config.DATABASE_URL, ...databasePassword(config.DATABASE_URL));
  return secrets;
}

/** The password inside a database URL (percent-decoded as the driver sends it), if any. */
function databasePassword(url: string): string[] {
  try {
    const { password } = new URL(url);
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}
