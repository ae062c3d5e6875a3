// The process-wide policy for faults nothing else caught: uncaught exceptions and unhandled rejections.
import type { Logger } from './log.ts';

export type ProcessFault = 'uncaughtException' | 'unhandledRejection';

/** The part of `process` the policy listens on (tests pass an EventEmitter). */
export interface FaultSource {
  on(event: 'uncaughtException', listener: (error: Error, origin: string) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface FaultPolicyOptions {
  log: Logger;
  /** Counts a fault in metrics (a no-op until the bot and its metrics exist). */
  count(fault: ProcessFault): void;
  /** What was running at the time (sessions, shard), for the log line. */
  context(): Record<string, unknown>;
  /** Called once, on the first uncaught exception: shut down cleanly and exit non-zero. */
  onUncaughtException(error: Error): void;
}

/**
 * An uncaught exception leaves some handler half-run, so the process may hold inconsistent state:
 * it says the usual restart goodbye and exits with 1 for its supervisor to restart it (a /join then
 * resumes from the stored handle). An unhandled rejection ended only its own async chain: it is
 * logged and counted as the bug it is, and the process keeps serving every other guild.
 */
export function installFaultPolicy(source: FaultSource, options: FaultPolicyOptions): void {
  const startedAt = Date.now();
  let shuttingDown = false;
  // Counting or describing must never turn one fault into a second one inside the handler.
  const note = (fault: ProcessFault): Record<string, unknown> => {
    let context: Record<string, unknown> = {};
    try {
      options.count(fault);
      context = options.context();
    } catch {}
    return { fault, uptimeS: Math.round((Date.now() - startedAt) / 1000), ...context };
  };

  source.on('uncaughtException', (error, origin) => {
    options.log.fatal(
      { err: error, origin, ...note('uncaughtException'), alreadyStopping: shuttingDown },
      'uncaught exception; shutting down so the supervisor restarts the bot',
    );
    if (shuttingDown) return;
    shuttingDown = true;
    options.onUncaughtException(error);
  });
  source.on('unhandledRejection', (reason) => {
    options.log.error({ err: reason, ...note('unhandledRejection') }, 'unhandled promise rejection');
  });
}
