// Per-speaker Opus decode → 48 kHz stereo → 16 kHz mono, the CPU-heavy half of the uplink.
import { Downsampler48kStereoTo16kMono } from '../audio/downsampler.ts';
import type { OpusCodec, OpusDecoder } from '../codec/opus-codec.ts';

export interface DecodedAudio {
  /** 16 kHz mono for 20 ms of speech (or the concealment of an undecodable packet). */
  pcm: Int16Array;
  /** The packet could not be decoded; `pcm` is libopus's packet-loss concealment instead. */
  bad: boolean;
}

/**
 * One decoder and downsampler per speaker, keyed by any string. Synchronous and self-contained so
 * it can run on the main thread or inside the audio worker unchanged.
 */
export class SpeakerDecoders {
  readonly #codec: OpusCodec;
  readonly #speakers = new Map<
    string,
    { decoder: OpusDecoder; downsampler: Downsampler48kStereoTo16kMono }
  >();

  constructor(codec: OpusCodec) {
    this.#codec = codec;
  }

  decode(key: string, packet: Uint8Array): DecodedAudio {
    let speaker = this.#speakers.get(key);
    if (!speaker) {
      speaker = { decoder: this.#codec.createDecoder(), downsampler: new Downsampler48kStereoTo16kMono() };
      this.#speakers.set(key, speaker);
    }
    let pcm48: Int16Array;
    let bad = false;
    try {
      pcm48 = speaker.decoder.decode(packet);
    } catch {
      bad = true;
      pcm48 = speaker.decoder.conceal();
    }
    return { pcm: speaker.downsampler.process(pcm48), bad };
  }

  forget(key: string): void {
    this.#speakers.get(key)?.decoder.destroy();
    this.#speakers.delete(key);
  }

  /** Forgets every key starting with `prefix` (one guild's speakers). */
  forgetAll(prefix = ''): void {
    for (const key of [...this.#speakers.keys()]) if (key.startsWith(prefix)) this.forget(key);
  }
}
