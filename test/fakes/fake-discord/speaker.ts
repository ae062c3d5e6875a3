// A simulated human's voice: Opus-encodes PCM, encrypts RTP and paces it every 20 ms, with fault injection.
import { performance } from 'node:perf_hooks';
import { Encoder } from '@evan/opus';
import { prng } from '../../helpers/signal-tools.ts';
import { delay } from '../../helpers/wait.ts';
import type { PcmClip } from '../audio-analysis.ts';
import { CHANNELS, FRAME_SAMPLES, SAMPLE_RATE_HZ } from './bot-audio.ts';
import { encryptRtp } from './rtp.ts';

const FRAME_MS = 20;
/** Opus silence frame that real clients send a few of when they stop talking. */
export const OPUS_SILENCE_FRAME = Buffer.from([0xf8, 0xff, 0xfe]);
/** An Opus packet libopus rejects (code-3 TOC with a frame count of 0): OPUS_INVALID_PACKET. */
export const INVALID_OPUS_PACKET = Buffer.from([0xff, 0x00]);

/** Faults applied by packet index within one say() (0-based, the silence tail included). */
export interface VoiceFaults {
  /** Never sent. */
  drop?: number[];
  /** Fraction (0..1) of packets lost at random, reproducible through `seed`. */
  lossRate?: number;
  seed?: number;
  /** Packet i is sent right after packet i+1. */
  reorder?: number[];
  /** Sent twice in a row. */
  duplicate?: number[];
  /** A ciphertext byte is flipped after encryption, so authentication fails at the receiver. */
  corruptEncryption?: number[];
  /** The payload is replaced by INVALID_OPUS_PACKET, validly encrypted: the Opus decoder gets a bad packet. */
  corruptOpus?: number[];
  /** Sent without DAVE E2EE though the call is encrypted (the passthrough frames seen in the wild). */
  unencrypted?: number[];
}

export type FaultKind =
  | 'drop'
  | 'loss'
  | 'reorder'
  | 'duplicate'
  | 'corruptEncryption'
  | 'corruptOpus'
  | 'unencrypted';

export interface SentPacket {
  index: number;
  seq: number;
  timestamp: number;
  /** Plaintext Opus payload as encrypted (INVALID_OPUS_PACKET when corrupted). */
  opus: Buffer;
  /** performance.now() ms when handed to the socket; null if never sent. */
  sentAtMs: number | null;
  /** True when the frame went out DAVE-encrypted (E2EE inside the transport encryption). */
  e2ee: boolean;
  faults: FaultKind[];
}

export interface SayResult {
  /** performance.now() ms of the first / last packet actually sent (null when none was). */
  firstPacketAtMs: number | null;
  lastPacketAtMs: number | null;
  packets: SentPacket[];
  /** Packets that reached a ready bot voice session. */
  delivered: number;
}

/** performance.now() of the last packet that carried voice (not one of the closing silence frames). */
export function lastVoicePacketAt(said: SayResult): number {
  const voiced = said.packets.filter((p) => p.sentAtMs !== null && !p.opus.equals(OPUS_SILENCE_FRAME));
  return voiced.at(-1)?.sentAtMs ?? Number.NaN;
}

/** Where a packet goes right now: the key and address of the bot's session, or null when absent. */
export interface SpeakTarget {
  secretKey: Buffer;
  /** The client's E2EE layer (DAVE) applied to each Opus frame before transport encryption. */
  encrypt: (opus: Buffer) => Buffer;
  send: (datagram: Buffer) => Promise<void>;
}

export interface SayOptions {
  faults?: VoiceFaults;
  /** Number of F8 FF FE frames after the audio (default 5). */
  silenceFrames?: number;
}

/** 48 kHz mono or stereo PCM cut into 20 ms stereo frames (last one zero-padded). */
function stereoFrames(clip: PcmClip): Int16Array[] {
  if (clip.sampleRate !== SAMPLE_RATE_HZ)
    throw new Error(`say() needs 48 kHz PCM, got ${clip.sampleRate} Hz`);
  if (clip.channels !== 1 && clip.channels !== 2) throw new Error('say() needs mono or stereo PCM');
  const frames = Math.ceil(clip.samples.length / clip.channels / FRAME_SAMPLES);
  const out: Int16Array[] = [];
  for (let f = 0; f < frames; f++) {
    const frame = new Int16Array(FRAME_SAMPLES * CHANNELS);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const src = (f * FRAME_SAMPLES + i) * clip.channels;
      frame[i * 2] = clip.samples[src] ?? 0;
      frame[i * 2 + 1] = clip.samples[src + clip.channels - 1] ?? 0;
    }
    out.push(frame);
  }
  return out;
}

export class Speaker {
  readonly ssrc: number;
  readonly #encoder = new Encoder({ channels: CHANNELS, sample_rate: SAMPLE_RATE_HZ, application: 'voip' });
  #seq = Math.floor(Math.random() * 0xffff);
  #timestamp = Math.floor(Math.random() * 0xffffffff);
  #nonce = 0;

  constructor(ssrc: number) {
    this.ssrc = ssrc;
  }

  /**
   * Sends the clip in real time. `target()` is asked before every packet so a reconnect mid-speech
   * is followed; `beforeFirst` runs once before the first packet (SPEAKING op 5).
   */
  async say(
    clip: PcmClip,
    target: () => Promise<SpeakTarget | null>,
    options: SayOptions = {},
  ): Promise<SayResult> {
    const faults = options.faults ?? {};
    const random = prng(faults.seed ?? 1);
    const opus = stereoFrames(clip).map((f) => Buffer.from(this.#encoder.encode(f)));
    for (let i = 0; i < (options.silenceFrames ?? 5); i++) opus.push(OPUS_SILENCE_FRAME);
    const packets: SentPacket[] = opus.map((payload, index) => {
      const kinds: FaultKind[] = [];
      const has = (list: number[] | undefined): boolean => list?.includes(index) ?? false;
      if (has(faults.drop)) kinds.push('drop');
      if (faults.lossRate && random() < faults.lossRate) kinds.push('loss');
      if (has(faults.reorder)) kinds.push('reorder');
      if (has(faults.duplicate)) kinds.push('duplicate');
      if (has(faults.corruptEncryption)) kinds.push('corruptEncryption');
      if (has(faults.corruptOpus)) kinds.push('corruptOpus');
      if (has(faults.unencrypted)) kinds.push('unencrypted');
      const packet: SentPacket = {
        index,
        seq: this.#seq,
        timestamp: this.#timestamp,
        opus: kinds.includes('corruptOpus') ? INVALID_OPUS_PACKET : payload,
        sentAtMs: null,
        e2ee: false,
        faults: kinds,
      };
      this.#seq = (this.#seq + 1) & 0xffff;
      this.#timestamp = (this.#timestamp + FRAME_SAMPLES) >>> 0;
      return packet;
    });
    const result: SayResult = { firstPacketAtMs: null, lastPacketAtMs: null, packets, delivered: 0 };
    const start = performance.now();
    let held: SentPacket | null = null;
    for (const packet of packets) {
      // Drift-corrected pacing: each slot is scheduled from the start, not from the previous send.
      await delay(start + packet.index * FRAME_MS - performance.now());
      if (packet.faults.includes('reorder') && packet.index < packets.length - 1) {
        held = packet;
        continue;
      }
      await this.#transmit(packet, target, result);
      if (held) {
        await this.#transmit(held, target, result);
        held = null;
      }
    }
    return result;
  }

  async #transmit(
    packet: SentPacket,
    target: () => Promise<SpeakTarget | null>,
    result: SayResult,
  ): Promise<void> {
    if (packet.faults.includes('drop') || packet.faults.includes('loss')) return;
    const to = await target();
    if (!to) return;
    const copies = packet.faults.includes('duplicate') ? 2 : 1;
    const media = packet.faults.includes('unencrypted') ? packet.opus : to.encrypt(packet.opus);
    packet.e2ee = media !== packet.opus;
    for (let i = 0; i < copies; i++) {
      // Every datagram needs a fresh nonce, duplicates included (as a retransmitting client would).
      this.#nonce = (this.#nonce + 1) >>> 0;
      const datagram = encryptRtp(
        { seq: packet.seq, timestamp: packet.timestamp, ssrc: this.ssrc },
        media,
        to.secretKey,
        this.#nonce,
      );
      if (packet.faults.includes('corruptEncryption')) datagram[12] = (datagram[12] ?? 0) ^ 0xff;
      await to.send(datagram);
    }
    const now = performance.now();
    packet.sentAtMs = now;
    result.firstPacketAtMs ??= now;
    result.lastPacketAtMs = now;
    result.delivered++;
  }
}
