// Recovers a call whose end-to-end encrypted audio the bot keeps failing to decrypt: one voice reconnect, then one sentence.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { DaveReceiveGuard } from '../voice/dave-guard.ts';

/** Undecryptable frames for longer than this (ms) mean the bot is stuck outside the call's group. */
export const STUCK_AFTER_MS = 2000;
/** How often (ms) the watchdog looks. */
const CHECK_EVERY_MS = 500;
/** A second stuck spell within this (ms) of the last reconnect is not retried: it is reported. */
const RECONNECT_WINDOW_MS = 60_000;

export const CANNOT_DECRYPT_MESSAGE =
  "I can't decrypt this call's end-to-end encrypted audio, so I can't hear anyone right now. Try /leave and then /join.";

export interface DaveWatchdogOptions {
  guard: DaveReceiveGuard;
  /** A fresh voice connection in the same channel (new voice session, new DAVE session). */
  reconnect(): void;
  /** The one sentence for the text channel when a reconnect did not help. */
  tell(text: string): void;
  clock: Clock;
  log: Logger;
}

/**
 * @discordjs/voice re-initialises its DAVE session after repeated decrypt failures only once it has
 * executed a transition, and never when a Welcome does not come: then every frame stays
 * undecryptable and the bot hears nobody. After STUCK_AFTER_MS of that the watchdog reconnects
 * voice once (Discord then adds the bot to the group anew); if it happens again soon, it says so.
 */
export class DaveWatchdog {
  readonly #o: DaveWatchdogOptions;
  #timer: unknown = null;
  #reconnectedAt: number | null = null;
  #told = false;
  reconnects = 0;

  constructor(options: DaveWatchdogOptions) {
    this.#o = options;
  }

  start(): void {
    const tick = (): void => {
      this.#check();
      this.#timer = this.#o.clock.setTimeout(tick, CHECK_EVERY_MS);
    };
    this.#timer = this.#o.clock.setTimeout(tick, CHECK_EVERY_MS);
  }

  stop(): void {
    if (this.#timer !== null) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #check(): void {
    const { guard, clock, log } = this.#o;
    const stuckMs = guard.undecryptableForMs();
    if (stuckMs <= STUCK_AFTER_MS) return;
    const now = clock.now();
    guard.restartRun();
    if (this.#reconnectedAt === null || now - this.#reconnectedAt > RECONNECT_WINDOW_MS) {
      this.#reconnectedAt = now;
      this.reconnects++;
      log.warn({ stuckMs }, 'cannot decrypt the call (DAVE); reconnecting voice');
      this.#o.reconnect();
      return;
    }
    if (this.#told) return;
    this.#told = true;
    log.warn({ stuckMs }, 'still cannot decrypt the call (DAVE) after a reconnect');
    this.#o.tell(CANNOT_DECRYPT_MESSAGE);
  }
}
