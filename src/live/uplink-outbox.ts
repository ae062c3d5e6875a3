// Uplink shaping: fixed-size 16 kHz chunks, and a bounded in-order queue used while no socket is ready.
import { Rechunker } from '../audio/chunker.ts';
import { GEMINI_INPUT_RATE_HZ, samplesFor } from '../audio/pcm.ts';
import type { ResponseScheduling } from './tool-port.ts';

/** Re-chunks arbitrary PCM writes into chunks of `chunkMs` of 16 kHz audio. */
export class Chunker extends Rechunker {
  constructor(chunkMs: number) {
    super(Math.max(1, samplesFor(chunkMs, GEMINI_INPUT_RATE_HZ)));
  }
}

export type OutboxItem =
  | { kind: 'audio'; samples: Int16Array }
  | { kind: 'audioStreamEnd' }
  | { kind: 'activityStart' }
  | { kind: 'activityEnd' }
  | { kind: 'text'; text: string }
  | { kind: 'userTurn'; text: string }
  | {
      kind: 'toolResponse';
      id: string;
      name: string;
      response: Record<string, unknown>;
      scheduling?: ResponseScheduling;
    };

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
    this.#maxSamples = samplesFor(maxAudioMs, GEMINI_INPUT_RATE_HZ);
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

  /** Drops every queued audio item (counted); the other sends stay, in order. */
  dropAudio(): void {
    this.#items = this.#items.filter((item) => item.kind !== 'audio');
    this.droppedSamples += this.#audioSamples;
    this.#audioSamples = 0;
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
