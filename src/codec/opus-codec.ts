// The Opus codec seam: one decoder per speaker, one encoder per playback stream.
//
// The bot owns Opus itself: the voice receiver hands us raw Opus packets and the player is given
// Opus packets (StreamType.Opus), so prism-media never decodes or encodes on our path and its codec
// choice (it falls back to opusscript, which corrupts memory with several live instances) cannot
// reach us. Only this interface and its shipped implementation do Opus work.

/** The PCM a decoder produces. libopus decodes any stream at any of its rates and channel counts. */
export interface DecoderOutput {
  sampleRateHz: 48_000 | 16_000;
  channels: 1 | 2;
}

/** The PCM an encoder takes. Whatever goes in, the packets are ordinary Opus any 48 kHz stereo decoder plays. */
export interface EncoderInput {
  sampleRateHz: 48_000 | 24_000;
  channels: 1 | 2;
}

/** What Discord carries: 48 kHz stereo (1920 interleaved values per 20 ms). */
export const DISCORD_PCM = { sampleRateHz: 48_000, channels: 2 } as const satisfies DecoderOutput &
  EncoderInput;
/**
 * What Gemini takes: 16 kHz mono (320 values per 20 ms). libopus gets there inside the decoder — it
 * synthesises only the bands below 8 kHz and downmixes stereo as (L+R)/2 — so a speaker costs ~40 %
 * of a 48 kHz stereo decode plus our own FIR, with a flatter passband and ≥ 100 dB alias rejection
 * (test/unit/codec/decode-to-gemini.test.ts measures both).
 */
export const GEMINI_INPUT_PCM: DecoderOutput = { sampleRateHz: 16_000, channels: 1 };
/**
 * What Gemini speaks: 24 kHz mono (480 values per 20 ms). Encoded as it is, the packets are mono-coded
 * and band-limited to 12 kHz (all there is in a 24 kHz signal); a Discord client decodes them to 48 kHz
 * stereo with identical channels. No resampler of ours, and libopus analyses half the samples a 48 kHz
 * stereo frame would give it: the reply costs ~40 % less (test/unit/codec/encode-from-gemini.test.ts
 * measures what a listener gets).
 */
export const GEMINI_OUTPUT_PCM: EncoderInput = { sampleRateHz: 24_000, channels: 1 };

/** Interleaved int16 values in one 20 ms frame of `format`. */
export function frameValues(format: DecoderOutput | EncoderInput): number {
  return (format.sampleRateHz / 50) * format.channels;
}

/** Decodes one speaker's packets in order. Not shareable between speakers: Opus is stateful. */
export interface OpusDecoder {
  /**
   * One packet → interleaved int16 in the decoder's output format (1920 values for a 20 ms packet
   * at 48 kHz stereo, 320 at 16 kHz mono). A corrupt or truncated packet throws BotError
   * `OPUS_BAD_PACKET` and leaves the decoder usable.
   */
  decode(packet: Uint8Array): Int16Array;
  /** Packet-loss concealment: 20 ms continuing the last decoded audio. */
  conceal(): Int16Array;
  /** Releases the native state; any later call throws BotError `OPUS_DESTROYED`. */
  destroy(): void;
}

/** Encodes one playback stream, 20 ms at a time. */
export interface OpusEncoder {
  readonly bitrateBps: number;
  readonly input: EncoderInput;
  /**
   * 20 ms of interleaved int16 in the encoder's input format (1920 values at 48 kHz stereo, 480 at
   * 24 kHz mono) → one Opus packet. Any other length throws BotError `OPUS_BAD_FRAME`.
   */
  encode(pcm: Int16Array): Uint8Array;
  destroy(): void;
}

export interface OpusEncoderOptions {
  /** Target bitrate; at least 64 kb/s (default 64 kb/s). */
  bitrateBps?: number;
  /** The PCM handed to `encode` (default DISCORD_PCM). */
  input?: EncoderInput;
}

export interface OpusCodec {
  /** Which binding runs, for the startup log line (e.g. "@evan/opus native"). */
  readonly name: string;
  /** A decoder producing `output` (default DISCORD_PCM). */
  createDecoder(output?: DecoderOutput): OpusDecoder;
  createEncoder(options?: OpusEncoderOptions): OpusEncoder;
}

/**
 * Below 64 kb/s libopus switches band-limited speech in `audio` mode to hybrid SILK+CELT, which costs
 * 2–3× the CPU per frame (audio.md); Discord carries up to 96–384 kb/s per channel anyway.
 */
export const OPUS_MIN_BITRATE_BPS = 64_000;
export const OPUS_DEFAULT_BITRATE_BPS = 64_000;
/** libopus's ceiling for stereo. */
export const OPUS_MAX_BITRATE_BPS = 510_000;
