// The one way a process entry stops: once, with a deadline, and an exit code that says how it went.
import type { Logger } from './log.ts';

type Exit = (code: number) => void;

/**
 * Signals, a crash and a lost parent can all ask a process to stop, often more than once; the
 * first ask wins and the rest are ignored. Its `stop` runs to completion and its result is the
 * exit code — unless it throws (exit 1) or outlasts the deadline, because a process manager
 * that sent SIGTERM kills us shortly after and a goodbye cut off half-way is worse than none.
 */
export class Shutdown {
  readonly #log: Logger;
  readonly #deadlineMs: number;
  readonly #exit: Exit;
  #started = false;

  constructor(log: Logger, deadlineMs: number, exit: Exit = (code) => process.exit(code)) {
    this.#log = log;
    this.#deadlineMs = deadlineMs;
    this.#exit = exit;
  }

  /** True once a shutdown began: work still starting up should stand down instead of exiting itself. */
  get started(): boolean {
    return this.#started;
  }

  /** Logs `why` with `message`, runs `stop` and exits with the code it resolves to. Only the first call acts. */
  begin(why: Record<string, unknown>, message: string, stop: () => Promise<number>): void {
    if (this.#started) return;
    this.#started = true;
    this.#log.info(why, message);
    const deadline = setTimeout(() => {
      this.#log.error('shutdown took too long; exiting anyway');
      this.#exit(1);
    }, this.#deadlineMs);
    deadline.unref();
    stop().then(
      (code) => {
        clearTimeout(deadline);
        this.#exit(code);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        this.#log.error({ err: error }, 'shutdown failed');
        this.#exit(1);
      },
    );
  }
}
