// A real pino logger (src/log.ts) whose lines are kept in memory, raw and parsed, for assertions.
import { createLogger, type Logger, type LoggerSettings } from '../../src/log.ts';

export interface RecordingLogger {
  logger: Logger;
  /** Each line as written (after redaction and scrubbing). */
  raw: string[];
  /** Each line parsed from JSON. */
  lines: Record<string, unknown>[];
  text(): string;
}

export function recordingLogger(
  settings: Partial<Omit<LoggerSettings, 'destination'>> = {},
): RecordingLogger {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: [],
    ...settings,
    destination: {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  return { logger, raw, lines, text: () => raw.join('') };
}
