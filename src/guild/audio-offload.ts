// Where the uplink's decoding and the downlink's encoding run: the seam between guild/ and the CPU work.
import type { OpusCodec } from '../codec/opus-codec.ts';
import { ReplyEncoder } from './reply-encoder.ts';
import { type DecodedAudio, SpeakerDecoders } from './speaker-decoders.ts';

/** A guild's speakers → 16 kHz mono, delivered in packet order per speaker. */
export interface UplinkDecoding {
  push(userId: string, packet: Uint8Array): void;
  /** From now on nothing decoded from this speaker's earlier packets is delivered. */
  forget(userId: string): void;
  close(): void;
}

/** A guild's answer audio → Opus packets, delivered in order. */
export interface DownlinkEncoding {
  push(pcm24k: Int16Array): void;
  /** End of the answer: the zero-padded last packet is delivered with `flushed: true`. */
  flush(): void;
  /** Barge-in: pending audio, and results still on their way, are dropped. */
  reset(): void;
  close(): void;
}

export type OnDecoded = (userId: string, audio: DecodedAudio) => void;
export type OnPackets = (packets: Uint8Array[], flushed: boolean) => void;

export interface AudioOffload {
  readonly kind: string;
  uplink(onDecoded: OnDecoded, bitrateBps?: number): UplinkDecoding;
  downlink(onPackets: OnPackets, bitrateBps?: number): DownlinkEncoding;
  close(): Promise<void>;
}

/**
 * Everything on the calling thread, results delivered synchronously. Unit tests use this; the bot
 * uses the worker (audio-worker-offload.ts) and falls back to this if the worker dies.
 */
export function inlineAudio(codec: OpusCodec): AudioOffload {
  return {
    kind: 'inline',
    uplink(onDecoded) {
      const decoders = new SpeakerDecoders(codec);
      let closed = false;
      return {
        push(userId, packet) {
          if (!closed) onDecoded(userId, decoders.decode(userId, packet));
        },
        forget: (userId) => decoders.forget(userId),
        close() {
          closed = true;
          decoders.forgetAll();
        },
      };
    },
    downlink(onPackets, bitrateBps) {
      const encoder = new ReplyEncoder(codec, bitrateBps);
      let closed = false;
      return {
        push(pcm24k) {
          if (closed) return;
          const packets = encoder.push(pcm24k);
          if (packets.length > 0) onPackets(packets, false);
        },
        flush() {
          if (!closed) onPackets(encoder.flush(), true);
        },
        reset: () => encoder.reset(),
        close() {
          if (closed) return;
          closed = true;
          encoder.destroy();
        },
      };
    },
    close: async () => {},
  };
}
