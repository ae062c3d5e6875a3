// OpusCodec over @evan/opus: libopus 1.5 compiled natively and shipped inside the npm package.
//
// Chosen by measurement (test/bench, audio.md): it runs at the native-libopus anchor, needs no build
// step on a fresh install (x64/arm64 Linux, macOS, Windows binaries in the package; anything else
// falls back to the package's own wasm build, which allocates correctly), and every instance owns
// its libopus state, so many live decoders and encoders do not interfere
// (test/unit/codec/evan-opus-codec.test.ts proves it bit-exactly).
import { Decoder, Encoder } from '@evan/opus';
import { BotError } from '../errors.ts';
import { concealmentPacket } from './concealment-packet.ts';
import {
  type DecoderOutput,
  DISCORD_PCM,
  type EncoderInput,
  frameValues,
  OPUS_DEFAULT_BITRATE_BPS,
  OPUS_MAX_BITRATE_BPS,
  OPUS_MIN_BITRATE_BPS,
  type OpusCodec,
  type OpusDecoder,
  type OpusEncoder,
  type OpusEncoderOptions,
} from './opus-codec.ts';

/** The wasm fallback frees its libopus state explicitly; the native one frees it when collected. */
interface Droppable {
  drop?: () => void;
}

/** The binding returns bytes (little-endian int16) in a fresh buffer; view them without copying. */
function bytesToInt16(bytes: Uint8Array): Int16Array {
  if ((bytes.byteOffset & 1) === 0)
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  return new Int16Array(bytes.slice().buffer);
}

function destroyed(): BotError {
  return new BotError('OPUS_DESTROYED', 'Opus decoder or encoder used after destroy()');
}

class EvanOpusDecoder implements OpusDecoder {
  #decoder: Decoder | null;
  /** TOC byte of the last good packet, so concealment continues in the same mode. */
  #lastToc: number | null = null;

  constructor(output: DecoderOutput) {
    this.#decoder = new Decoder({ channels: output.channels, sample_rate: output.sampleRateHz });
  }

  decode(packet: Uint8Array): Int16Array {
    const decoder = this.#decoder;
    if (decoder === null) throw destroyed();
    if (packet.length === 0) throw new BotError('OPUS_BAD_PACKET', 'empty Opus packet');
    let bytes: Uint8Array;
    try {
      bytes = decoder.decode(packet);
    } catch (cause) {
      // libopus rejects a malformed packet while parsing it, before touching decoder state.
      throw new BotError('OPUS_BAD_PACKET', `Opus packet of ${packet.length} bytes rejected`, { cause });
    }
    this.#lastToc = packet[0]!;
    return bytesToInt16(bytes);
  }

  conceal(): Int16Array {
    const decoder = this.#decoder;
    if (decoder === null) throw destroyed();
    return bytesToInt16(decoder.decode(concealmentPacket(this.#lastToc)));
  }

  destroy(): void {
    (this.#decoder as Droppable | null)?.drop?.();
    this.#decoder = null;
  }
}

class EvanOpusEncoder implements OpusEncoder {
  readonly bitrateBps: number;
  readonly input: EncoderInput;
  readonly #frameValues: number;
  #encoder: Encoder | null;

  constructor(bitrateBps: number, input: EncoderInput) {
    this.bitrateBps = bitrateBps;
    this.input = input;
    this.#frameValues = frameValues(input);
    // `audio`, not `voip`: on Gemini's band-limited speech `voip` picks hybrid SILK+CELT at 2–3× the CPU.
    const encoder = new Encoder({
      channels: input.channels,
      sample_rate: input.sampleRateHz,
      application: 'audio',
    });
    encoder.bitrate = bitrateBps;
    this.#encoder = encoder;
  }

  encode(pcm: Int16Array): Uint8Array {
    const encoder = this.#encoder;
    if (encoder === null) throw destroyed();
    if (pcm.length !== this.#frameValues) {
      throw new BotError(
        'OPUS_BAD_FRAME',
        `Opus encoder needs ${this.#frameValues} samples, got ${pcm.length}`,
      );
    }
    try {
      return encoder.encode(pcm);
    } catch (cause) {
      throw new BotError('OPUS_ENCODE_FAILED', 'libopus failed to encode a frame', { cause });
    }
  }

  destroy(): void {
    (this.#encoder as Droppable | null)?.drop?.();
    this.#encoder = null;
  }
}

function checkBitrate(bitrateBps: number): number {
  if (
    !Number.isInteger(bitrateBps) ||
    bitrateBps < OPUS_MIN_BITRATE_BPS ||
    bitrateBps > OPUS_MAX_BITRATE_BPS
  ) {
    throw new BotError(
      'OPUS_BAD_BITRATE',
      `Opus bitrate must be an integer from ${OPUS_MIN_BITRATE_BPS} to ${OPUS_MAX_BITRATE_BPS} b/s, got ${bitrateBps}`,
    );
  }
  return bitrateBps;
}

export function createEvanOpusCodec(): OpusCodec {
  const backend = 'drop' in Decoder.prototype ? 'wasm' : 'native';
  return {
    name: `@evan/opus ${backend}`,
    createDecoder: function createDecoder(output: DecoderOutput = DISCORD_PCM): OpusDecoder {
      return new EvanOpusDecoder(output);
    },
    createEncoder: function createEncoder(options: OpusEncoderOptions = {}): OpusEncoder {
      return new EvanOpusEncoder(
        checkBitrate(options.bitrateBps ?? OPUS_DEFAULT_BITRATE_BPS),
        options.input ?? DISCORD_PCM,
      );
    },
  };
}
