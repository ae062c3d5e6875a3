// A first-in first-out queue of int16 samples that reuses one growing ring buffer.

/**
 * Producers write any number of samples; the consumer reads fixed-size frames. Pure: no timers,
 * no I/O. Memory grows only to the largest backlog ever held (the callers bound that).
 */
export class SampleFifo {
  #ring: Int16Array;
  #start = 0;
  #length = 0;

  constructor(initialCapacity = 4096) {
    this.#ring = new Int16Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  write(samples: Int16Array): void {
    if (this.#length + samples.length > this.#ring.length) this.#grow(this.#length + samples.length);
    const cap = this.#ring.length;
    const end = (this.#start + this.#length) % cap;
    const first = Math.min(samples.length, cap - end);
    this.#ring.set(samples.subarray(0, first), end);
    if (first < samples.length) this.#ring.set(samples.subarray(first), 0);
    this.#length += samples.length;
  }

  /**
   * Moves up to `out.length` samples into `out` (the rest of `out` is zero-filled) and returns how
   * many real samples it got.
   */
  readInto(out: Int16Array): number {
    const n = Math.min(out.length, this.#length);
    const cap = this.#ring.length;
    const first = Math.min(n, cap - this.#start);
    out.set(this.#ring.subarray(this.#start, this.#start + first), 0);
    if (first < n) out.set(this.#ring.subarray(0, n - first), first);
    if (n < out.length) out.fill(0, n);
    this.#start = (this.#start + n) % cap;
    this.#length -= n;
    return n;
  }

  /** Drops the oldest `count` samples (or all). */
  discard(count: number = this.#length): void {
    const n = Math.min(count, this.#length);
    this.#start = (this.#start + n) % this.#ring.length;
    this.#length -= n;
  }

  #grow(needed: number): void {
    let cap = this.#ring.length * 2;
    while (cap < needed) cap *= 2;
    const next = new Int16Array(cap);
    const tmp = new Int16Array(this.#length);
    const saved = this.#length;
    this.readInto(tmp);
    next.set(tmp, 0);
    this.#ring = next;
    this.#start = 0;
    this.#length = saved;
  }
}
