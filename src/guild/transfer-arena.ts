// Small typed arrays carved out of a few shared buffers, so one postMessage can transfer them all at once.

/**
 * A batch's first chunk; each further chunk of the same batch is twice the last, up to the largest.
 * Most batches are small (an Opus packet ~150 B, 20 ms of 16 kHz PCM 640 B), and a fresh zeroed
 * buffer per event-loop turn must stay cheap; a busy turn still needs only a few chunks.
 */
const FIRST_CHUNK_BYTES = 1024;
const LARGEST_CHUNK_BYTES = 64 * 1024;
/** Int16Array views need even offsets; 8 keeps any typed array aligned. */
const ALIGN = 8;

/**
 * Transferring a buffer costs the same whatever its size, and a message event costs far more than
 * copying 100 bytes: so a batch's payloads are copied into shared chunks and the chunks transferred.
 * `take()` hands the chunks over; views handed out later come from new chunks.
 */
export class TransferArena {
  #chunks: ArrayBuffer[] = [];
  #current: ArrayBuffer | null = null;
  #used = 0;
  #nextChunkBytes = FIRST_CHUNK_BYTES;

  /** A copy of `source` inside the arena. */
  copy<T extends Uint8Array | Int16Array>(source: T): T {
    const offset = this.#reserve(source.byteLength);
    const buffer = this.#current as ArrayBuffer;
    const view =
      source instanceof Int16Array
        ? new Int16Array(buffer, offset, source.length)
        : new Uint8Array(buffer, offset, source.length);
    view.set(source);
    return view as T;
  }

  /** The chunks holding every view handed out since the last take, for the transfer list. */
  take(): ArrayBuffer[] {
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#current = null;
    this.#used = 0;
    this.#nextChunkBytes = FIRST_CHUNK_BYTES;
    return chunks;
  }

  #reserve(bytes: number): number {
    const start = Math.ceil(this.#used / ALIGN) * ALIGN;
    if (this.#current && start + bytes <= this.#current.byteLength) {
      this.#used = start + bytes;
      return start;
    }
    // A payload larger than a chunk gets a chunk of its own size.
    this.#current = new ArrayBuffer(Math.max(this.#nextChunkBytes, bytes));
    this.#nextChunkBytes = Math.min(LARGEST_CHUNK_BYTES, this.#nextChunkBytes * 2);
    this.#chunks.push(this.#current);
    this.#used = bytes;
    return 0;
  }
}
