// Re-chunker: PCM arriving in any sizes leaves in fixed-size chunks (e.g. 40 ms for Gemini).

/**
 * Collects int16 samples and hands out chunks of exactly `chunkSamples`. Each returned chunk is a fresh
 * array the caller may keep; input arrays are never retained, so callers may reuse them.
 */
export class Rechunker {
  readonly chunkSamples: number;
  #partial: Int16Array;
  #fill = 0;

  constructor(chunkSamples: number) {
    if (!Number.isInteger(chunkSamples) || chunkSamples <= 0) {
      throw new RangeError(`chunkSamples must be a positive integer, got ${chunkSamples}`);
    }
    this.chunkSamples = chunkSamples;
    this.#partial = new Int16Array(chunkSamples);
  }

  /** Samples held back until the next chunk is complete. */
  get pendingSamples(): number {
    return this.#fill;
  }

  /** Adds samples; returns the chunks completed by them, oldest first (often none or one). */
  push(input: Int16Array): Int16Array[] {
    const size = this.chunkSamples;
    const chunks: Int16Array[] = [];
    let offset = 0;
    while (offset < input.length) {
      if (this.#fill === 0 && input.length - offset >= size) {
        chunks.push(input.slice(offset, offset + size));
        offset += size;
        continue;
      }
      const take = Math.min(size - this.#fill, input.length - offset);
      this.#partial.set(input.subarray(offset, offset + take), this.#fill);
      this.#fill += take;
      offset += take;
      if (this.#fill === size) {
        chunks.push(this.#partial);
        this.#partial = new Int16Array(size);
        this.#fill = 0;
      }
    }
    return chunks;
  }

  /** Returns the held-back samples as a short final chunk (null when none) and starts empty. */
  flush(): Int16Array | null {
    if (this.#fill === 0) return null;
    const rest = this.#partial.slice(0, this.#fill);
    this.#fill = 0;
    return rest;
  }

  /** Drops held-back samples (e.g. on barge-in). */
  reset(): void {
    this.#fill = 0;
  }
}
