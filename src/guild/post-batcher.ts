// Messages to or from the audio worker, posted together: one postMessage per event-loop turn, not per packet.
import { TransferArena } from './transfer-arena.ts';

/**
 * Every speaker's packet used to be its own postMessage, and every decoded frame its own message
 * back: at 150 packets a second per guild, the message events cost more than the copies. A batcher
 * collects messages (their payloads copied into one arena) and posts them as one array, in order.
 * With `autoFlush` it posts in the same event-loop turn's check phase (setImmediate), so packets
 * that arrived together travel together and nothing waits for a timer.
 */
export class PostBatcher<M> {
  readonly arena = new TransferArena();
  readonly #post: (messages: M[], transfer: ArrayBuffer[]) => void;
  readonly #autoFlush: boolean;
  #messages: M[] = [];
  #scheduled = false;

  constructor(post: (messages: M[], transfer: ArrayBuffer[]) => void, options: { autoFlush: boolean }) {
    this.#post = post;
    this.#autoFlush = options.autoFlush;
  }

  add(message: M): void {
    this.#messages.push(message);
    if (this.#autoFlush && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Posts what was added (nothing when empty). */
  flush(): void {
    this.#scheduled = false;
    if (this.#messages.length === 0) return;
    const messages = this.#messages;
    this.#messages = [];
    this.#post(messages, this.arena.take());
  }

  /** Forgets what was not posted yet (the worker is gone). */
  drop(): void {
    this.#messages = [];
    this.arena.take();
  }
}
