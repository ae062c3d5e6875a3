// Gemini's 24 kHz answer → 48 kHz stereo → 20 ms Opus packets, the CPU-heavy half of the downlink.
import { DISCORD_FRAME_SAMPLES } from '../audio/pcm.ts';
import { SampleFifo } from '../audio/sample-fifo.ts';
import { Upsampler24kMonoTo48kStereo } from '../audio/upsampler.ts';
import type { OpusCodec, OpusEncoder } from '../codec/opus-codec.ts';

/**
 * Synchronous and self-contained so it can run on the main thread or inside the audio worker.
 * Packets come out in order; `flush` zero-pads the last partial frame at the end of a turn.
 */
export class ReplyEncoder {
  readonly #upsampler = new Upsampler24kMonoTo48kStereo();
  readonly #fifo = new SampleFifo(48_000);
  readonly #frame = new Int16Array(DISCORD_FRAME_SAMPLES);
  readonly #encoder: OpusEncoder;

  constructor(codec: OpusCodec, bitrateBps?: number) {
    // Gemini's voice is mono: both channels of every frame are identical.
    this.#encoder = codec.createEncoder({
      monoSource: true,
      ...(bitrateBps === undefined ? {} : { bitrateBps }),
    });
  }

  /** Adds answer audio; returns the packets it completed. */
  push(pcm24k: Int16Array): Uint8Array[] {
    this.#fifo.write(this.#upsampler.process(pcm24k));
    const packets: Uint8Array[] = [];
    while (this.#fifo.length >= DISCORD_FRAME_SAMPLES) {
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

  /** Barge-in: drops pending audio and filter history, so the next answer starts clean. */
  reset(): void {
    this.#fifo.discard();
    this.#upsampler.reset();
  }

  destroy(): void {
    this.#encoder.destroy();
  }
}
