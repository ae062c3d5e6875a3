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

/** What Discord carries: 48 kHz stereo (1920 interleaved values per 20 ms). */
export const DISCORD_PCM: DecoderOutput = { sampleRateHz: 48_000, channels: 2 };
/**
 * What Gemini takes: 16 kHz mono (320 values per 20 ms). libopus gets there inside the decoder — it
 * synthesises only the bands below 8 kHz and downmixes stereo as (L+R)/2 — so a speaker costs ~40 %
 * of a 48 kHz stereo decode plus our own FIR, with a flatter passband and ≥ 100 dB alias rejection
 * (test/unit/codec/decode-to-gemini.test.ts measures both).
 */
export const GEMINI_INPUT_PCM: DecoderOutput = { sampleRateHz: 16_000, channels: 1 };

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
  /** 960 stereo frames (1920 interleaved int16 values) → one Opus packet. */
  encode(pcm: Int16Array): Uint8Array;
  destroy(): void;
}

export interface OpusEncoderOptions {
  /** Target bitrate; at least 64 kb/s (default 64 kb/s). */
  bitrateBps?: number;
  /**
   * Both input channels always carry the same signal (Gemini speaks mono, upmixed to Discord's
   * stereo): code each packet as mono. The stream stays 48 kHz stereo for Discord — decoders give
   * identical left and right — while encoding costs ~25 % less and all bits go to the one signal.
   */
  monoSource?: boolean;
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
