// Logger factory: pino, JSON in production and readable on a terminal, secrets scrubbed.
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerSettings {
  level: LogLevel;
  /** Secret values (tokens, API keys) that must never appear in any log line. */
  secrets: readonly string[];
  /** Pretty, colourless-friendly output for a person at a terminal instead of JSON lines. */
  pretty?: boolean;
  /** Drop fields marked personal (`pii`: transcripts, user ids, tool arguments). */
  redactPii?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a recording stream. */
  destination?: DestinationStream;
}

export const REDACTED = '[REDACTED]';

/** Object keys whose values are secrets wherever they appear (two levels deep). */
const SECRET_KEYS = ['token', 'apiKey', 'api_key', 'key', 'authorization', 'password', 'secret'];
const SECRET_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]).concat([
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-goog-api-key"]',
  '*.headers["x-goog-api-key"]',
]);

/** `?key=...` in a URL (how the Gemini Live socket carries the API key). */
const URL_KEY_PARAM = /([?&](?:key|token|access_token)=)[^&\s"']+/g;
/** `Bot <token>` / `Bearer <token>` authorization headers inside free text. */
const AUTH_HEADER = /\b(Bot|Bearer)\s+[A-Za-z0-9._-]{20,}/g;

/**
 * Removes secrets from a finished log line. Key-based redaction cannot see a token that was
 * pasted into an error message or URL, so the known secret values are also scrubbed as text.
 */
export function scrubSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; config guarantees real secrets are long.
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out.replace(URL_KEY_PARAM, `$1${REDACTED}`).replace(AUTH_HEADER, `$1 ${REDACTED}`);
}

export function createLogger(settings: LoggerSettings): Logger {
  const paths = settings.redactPii ? [...SECRET_PATHS, 'pii', '*.pii'] : SECRET_PATHS;
  const secrets = [...settings.secrets];
  const options: LoggerOptions = {
    level: settings.level,
    base: null,
    redact: { paths, censor: REDACTED },
    hooks: {
      streamWrite: (line) => scrubSecrets(line, secrets),
    },
  };
  if (settings.pretty && !settings.destination) {
    return pino(
      options,
      pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } }),
    );
  }
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** A child logger for one guild, so every line of a guild's session can be filtered. */
export function guildLogger(parent: Logger, guildId: string): Logger {
  return parent.child({ guildId });
}
