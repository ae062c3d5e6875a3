// Per-speaker Opus decode straight to 16 kHz mono (Gemini's input), the CPU-heavy half of the uplink.
import { GEMINI_INPUT_PCM, type OpusCodec, type OpusDecoder } from '../codec/opus-codec.ts';

export interface DecodedAudio {
  /** 16 kHz mono for 20 ms of speech (or the concealment of an undecodable packet). */
  pcm: Int16Array;
  /** The packet could not be decoded; `pcm` is libopus's packet-loss concealment instead. */
  bad: boolean;
}

/**
 * One decoder per speaker, keyed by any string, each decoding at 16 kHz mono: libopus band-limits
 * and downmixes inside the codec, so no 48 kHz stereo PCM or resampling filter is needed (see
 * GEMINI_INPUT_PCM). Synchronous and self-contained so it can run on the main thread or inside the
 * audio worker unchanged.
 */
export class SpeakerDecoders {
  readonly #codec: OpusCodec;
  readonly #decoders = new Map<string, OpusDecoder>();

  constructor(codec: OpusCodec) {
    this.#codec = codec;
  }

  decode(key: string, packet: Uint8Array): DecodedAudio {
    let decoder = this.#decoders.get(key);
    if (!decoder) {
      decoder = this.#codec.createDecoder(GEMINI_INPUT_PCM);
      this.#decoders.set(key, decoder);
    }
    try {
      return { pcm: decoder.decode(packet), bad: false };
    } catch {
      return { pcm: decoder.conceal(), bad: true };
    }
  }

  forget(key: string): void {
    this.#decoders.get(key)?.destroy();
    this.#decoders.delete(key);
  }

  /** Forgets every key starting with `prefix` (one guild's speakers). */
  forgetAll(prefix = ''): void {
    for (const key of [...this.#decoders.keys()]) if (key.startsWith(prefix)) this.forget(key);
  }
}
