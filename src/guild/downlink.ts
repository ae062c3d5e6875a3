// Downlink: Gemini's 24 kHz answer → Opus packets (off the main thread) → our own 20 ms pacing → voice.
import { FRAME_MS } from '../audio/pcm.ts';
import { type Clock, createTicker, type Ticker } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { AudioOffload, DownlinkEncoding } from './audio-offload.ts';

/** Where Opus packets go: the guild's voice connection. */
export interface OpusSink {
  /** Sends one packet now; false when the connection cannot send (it is dropped). */
  playOpus(packet: Uint8Array): boolean;
  setSpeaking(speaking: boolean): void;
}

export interface DownlinkOptions {
  /** Where Opus encoding runs (the audio worker in the bot, inline in unit tests). */
  audio: AudioOffload;
  clock: Clock;
  sink: OpusSink;
  log: Logger;
  bitrateBps?: number;
  /**
   * How long Gemini may go quiet mid-answer (no audio, no turn end) before we stop speaking.
   * Its bursts pause for up to a few hundred ms; a dropped connection never says turnComplete.
   */
  stallTimeoutMs?: number;
}

export interface DownlinkStats {
  packetsSent: number;
  underrunFrames: number;
  interruptions: number;
  /** Audio dropped by barge-ins, in ms. */
  flushedMs: number;
}

/**
 * An Opus "silence" frame. Discord asks for five of them when a stream stops so that clients'
 * decoders do not interpolate the last real frame into a buzz; we also send it while Gemini pauses
 * between bursts, so the stream stays continuous.
 */
const SILENCE_FRAME = Uint8Array.of(0xf8, 0xff, 0xfe);
const SILENCE_TAIL_FRAMES = 5;

/**
 * States: idle → speaking (a packet every 20 ms) → ending (five silence frames) → idle.
 *
 * Owning the pacing instead of going through AudioPlayer saves its one frame of scheduling latency:
 * the first packet of an answer is sent the moment it is encoded. Gaps between Gemini's bursts are
 * filled with silence frames so playback is never ended by a gap; `interrupt()` drops everything
 * queued (and still being encoded) and the next tick sends only silence.
 */
export class Downlink {
  readonly stats: DownlinkStats = { packetsSent: 0, underrunFrames: 0, interruptions: 0, flushedMs: 0 };
  readonly #options: DownlinkOptions;
  readonly #encoding: DownlinkEncoding;
  readonly #ticker: Ticker;
  readonly #stallTimeoutMs: number;
  #queue: Uint8Array[] = [];
  #speaking = false;
  #turnDone = false;
  #silenceTailLeft = 0;
  #lastAudioAt = 0;
  /** Audio pushes so far, so a flush that a newer answer overtook does not end that answer. */
  #pushes = 0;
  #flushRequestedAt = -1;
  #closed = false;

  constructor(options: DownlinkOptions) {
    this.#options = options;
    this.#encoding = options.audio.downlink(
      (packets, flushed) => this.#onPackets(packets, flushed),
      options.bitrateBps,
    );
    this.#ticker = createTicker(options.clock, FRAME_MS, () => this.#tick());
    this.#stallTimeoutMs = options.stallTimeoutMs ?? 2_000;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Milliseconds of encoded answer waiting to be played. */
  get queuedMs(): number {
    return this.#queue.length * FRAME_MS;
  }

  /** A chunk of Gemini's answer (24 kHz mono). Playback starts as soon as its first packet exists. */
  pushAudio(pcm24k: Int16Array): void {
    if (this.#closed || pcm24k.length === 0) return;
    this.#pushes += 1;
    this.#lastAudioAt = this.#options.clock.now();
    this.#turnDone = false;
    this.#encoding.push(pcm24k);
  }

  /** The answer is complete: play what is queued (and its zero-padded end), then stop. */
  endOfTurn(): void {
    if (this.#closed) return;
    this.#flushRequestedAt = this.#pushes;
    this.#encoding.flush();
  }

  /** Barge-in: drop every queued packet now; only silence frames follow. */
  interrupt(): void {
    if (this.#closed) return;
    this.stats.interruptions += 1;
    this.stats.flushedMs += this.queuedMs;
    this.#queue = [];
    this.#encoding.reset();
    if (this.#speaking) this.#silenceTailLeft = SILENCE_TAIL_FRAMES;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ticker.stop();
    this.#queue = [];
    if (this.#speaking) this.#options.sink.setSpeaking(false);
    this.#speaking = false;
    this.#encoding.close();
  }

  #onPackets(packets: Uint8Array[], flushed: boolean): void {
    if (this.#closed) return;
    if (packets.length > 0) {
      this.#queue.push(...packets);
      this.#silenceTailLeft = 0;
    }
    if (flushed && this.#flushRequestedAt === this.#pushes) this.#turnDone = true;
    if (!this.#ticker.running && this.#queue.length > 0) {
      this.#speaking = true;
      this.#tick();
      this.#ticker.start();
    }
  }

  #tick(): void {
    if (this.#silenceTailLeft > 0) {
      this.#play(SILENCE_FRAME);
      this.#silenceTailLeft -= 1;
      if (this.#silenceTailLeft === 0) this.#stop();
      return;
    }
    const next = this.#queue.shift();
    if (next) {
      this.#play(next);
      return;
    }
    const stalled = this.#options.clock.now() - this.#lastAudioAt >= this.#stallTimeoutMs;
    if (this.#turnDone || stalled) {
      this.#silenceTailLeft = SILENCE_TAIL_FRAMES;
      this.#tick();
      return;
    }
    // Gemini is between bursts (or the packet is still being encoded): keep the stream continuous.
    this.stats.underrunFrames += 1;
    this.#play(SILENCE_FRAME);
  }

  #stop(): void {
    this.#ticker.stop();
    this.#speaking = false;
    this.#options.sink.setSpeaking(false);
  }

  #play(packet: Uint8Array): void {
    if (this.#options.sink.playOpus(packet)) this.stats.packetsSent += 1;
  }
}
