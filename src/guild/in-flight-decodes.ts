// Per speaker, packets on their way through the audio worker: those sent before a forget are stale.

/**
 * Decoded frames come back from the worker in the order their packets went, a batch later. A
 * speaker forgotten meanwhile (they left, or opted out) must not be heard from those frames — an
 * opt-out promises that nothing said before it reaches Gemini after its reply — so their count at
 * the moment of the forget is dropped on arrival, and later packets are delivered again.
 * (A packet the worker failed on never comes back; after a forget that costs one later frame.)
 */
export class InFlightDecodes {
  readonly #sent = new Map<string, number>();
  readonly #stale = new Map<string, number>();

  sent(userId: string): void {
    this.#sent.set(userId, (this.#sent.get(userId) ?? 0) + 1);
  }

  /** The speaker is forgotten: frames still on their way for them are dropped when they arrive. */
  forget(userId: string): void {
    const inFlight = this.#sent.get(userId) ?? 0;
    this.#sent.delete(userId);
    if (inFlight > 0) this.#stale.set(userId, (this.#stale.get(userId) ?? 0) + inFlight);
  }

  /** A decoded frame came back: true to deliver it, false when its packet was sent before a forget. */
  arrived(userId: string): boolean {
    const stale = this.#stale.get(userId) ?? 0;
    if (stale > 0) {
      decrement(this.#stale, userId, stale);
      return false;
    }
    decrement(this.#sent, userId, this.#sent.get(userId) ?? 0);
    return true;
  }
}

/** Counts that reach zero leave the map, so it holds only speakers with frames in flight. */
function decrement(counts: Map<string, number>, userId: string, count: number): void {
  if (count <= 1) counts.delete(userId);
  else counts.set(userId, count - 1);
}
