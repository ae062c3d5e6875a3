// Leaves a voice channel nobody is in any more, after the server's idle time; someone coming back cancels it.
import type { Clock } from '../clock.ts';

/**
 * The countdown starts when the last human leaves and is read afresh each time (a /config change
 * applies to the next empty room). It is cancelled, not paused, when someone returns.
 */
export class EmptyRoomTimer {
  readonly #clock: Clock;
  readonly #delayMs: () => number;
  readonly #onEmpty: () => void;
  #timer: unknown = null;

  constructor(clock: Clock, delayMs: () => number, onEmpty: () => void) {
    this.#clock = clock;
    this.#delayMs = delayMs;
    this.#onEmpty = onEmpty;
  }

  /** Whenever the room may have changed: with nobody left the countdown runs, with anyone it stops. */
  update(humansInRoom: number): void {
    if (humansInRoom > 0) {
      this.cancel();
      return;
    }
    if (this.#timer !== null) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#onEmpty();
    }, this.#delayMs());
  }

  cancel(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
