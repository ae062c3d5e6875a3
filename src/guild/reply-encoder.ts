// Gemini's 24 kHz mono answer → 20 ms Opus packets, the CPU-heavy half of the downlink.
import { GEMINI_OUTPUT_FRAME_SAMPLES, GEMINI_OUTPUT_RATE_HZ } from '../audio/pcm.ts';
import { SampleFifo } from '../audio/sample-fifo.ts';
import { GEMINI_OUTPUT_PCM, type OpusCodec, type OpusEncoder } from '../codec/opus-codec.ts';

/**
 * Synchronous and self-contained so it can run on the main thread or inside the audio worker.
 * Gemini's PCM goes to libopus as it is (GEMINI_OUTPUT_PCM): Discord carries 48 kHz stereo Opus, but
 * that is the decoder's output format, not something the packets must be made from.
 * Packets come out in order; `flush` zero-pads the last partial frame at the end of a turn.
 */
export class ReplyEncoder {
  /** Room for a second of answer audio to start with; each chunk is drained as it arrives. */
  readonly #fifo = new SampleFifo(GEMINI_OUTPUT_RATE_HZ);
  readonly #frame = new Int16Array(GEMINI_OUTPUT_FRAME_SAMPLES);
  readonly #encoder: OpusEncoder;

  constructor(codec: OpusCodec, bitrateBps?: number) {
    this.#encoder = codec.createEncoder({
      input: GEMINI_OUTPUT_PCM,
      ...(bitrateBps === undefined ? {} : { bitrateBps }),
    });
  }

  /** Adds answer audio; returns the packets it completed. */
  push(pcm24k: Int16Array): Uint8Array[] {
    this.#fifo.write(pcm24k);
    const packets: Uint8Array[] = [];
    while (this.#fifo.length >= GEMINI_OUTPUT_FRAME_SAMPLES) {
      this.#fifo.readInto(this.#frame);
      packets.push(this.#encoder.encode(this.#frame));
    }
    return packets;
  }

  /** The last partial frame, zero-padded (none when nothing is pending). */
  flush(): Uint8Array[] {
    if (this.#fifo.length === 0) return [];
    this.#fifo.readInto(this.#frame);
    return [this.#encoder.encode(this.#frame)];
  }

  /** Barge-in: drops pending audio, so the next answer starts with nothing of this one. */
  reset(): void {
    this.#fifo.discard();
  }

  destroy(): void {
    this.#encoder.destroy();
  }
}
