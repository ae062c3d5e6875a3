// Uplink shaping: fixed-size 16 kHz chunks, and a bounded in-order queue used while no socket is ready.
import { INPUT_SAMPLE_RATE_HZ } from './protocol.ts';

/** Re-chunks arbitrary PCM writes into chunks of exactly `chunkSamples` (the configured ms). */
export class Chunker {
  readonly chunkSamples: number;
  #pending: Int16Array;
  #filled = 0;

  constructor(chunkMs: number) {
    this.chunkSamples = Math.max(1, Math.round((chunkMs * INPUT_SAMPLE_RATE_HZ) / 1000));
    this.#pending = new Int16Array(this.chunkSamples);
  }

  /** Complete chunks made from `samples` plus what was pending; the rest waits for the next push. */
  push(samples: Int16Array): Int16Array[] {
    const out: Int16Array[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.chunkSamples - this.#filled, samples.length - offset);
      this.#pending.set(samples.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.chunkSamples) {
        out.push(this.#pending);
        this.#pending = new Int16Array(this.chunkSamples);
        this.#filled = 0;
      }
    }
    return out;
  }

  /** The partial chunk (e.g. before audioStreamEnd), or null when nothing is pending. */
  flush(): Int16Array | null {
    if (this.#filled === 0) return null;
    const rest = this.#pending.slice(0, this.#filled);
    this.#filled = 0;
    return rest;
  }
}

export type OutboxItem =
  | { kind: 'audio'; samples: Int16Array }
  | { kind: 'audioStreamEnd' }
  | { kind: 'text'; text: string }
  | { kind: 'toolResponse'; id: string; name: string; response: Record<string, unknown> };

/**
 * What the user said (and other sends) while the socket is being replaced. Audio is bounded by
 * `maxAudioMs`: past it the oldest audio is dropped and counted, never silently.
 */
export class Outbox {
  readonly #maxSamples: number;
  #items: OutboxItem[] = [];
  #audioSamples = 0;
  droppedSamples = 0;
  largestSamples = 0;

  constructor(maxAudioMs: number) {
    this.#maxSamples = Math.round((maxAudioMs * INPUT_SAMPLE_RATE_HZ) / 1000);
  }

  push(item: OutboxItem): void {
    this.#items.push(item);
    if (item.kind !== 'audio') return;
    this.#audioSamples += item.samples.length;
    while (this.#audioSamples > this.#maxSamples) {
      const index = this.#items.findIndex((queued) => queued.kind === 'audio');
      const [oldest] = this.#items.splice(index, 1);
      const length = oldest?.kind === 'audio' ? oldest.samples.length : 0;
      this.#audioSamples -= length;
      this.droppedSamples += length;
    }
    this.largestSamples = Math.max(this.largestSamples, this.#audioSamples);
  }

  /** Everything queued, in order, leaving the outbox empty. */
  drain(): OutboxItem[] {
    const items = this.#items;
    this.#items = [];
    this.#audioSamples = 0;
    return items;
  }

  get audioSamples(): number {
    return this.#audioSamples;
  }

  get size(): number {
    return this.#items.length;
  }
}
