// Downlink: Gemini's 24 kHz answer → 48 kHz stereo → Opus on our own 20 ms pacing → the voice link.
import { DISCORD_FRAME_SAMPLES, FRAME_MS } from '../audio/pcm.ts';
import { SampleFifo } from '../audio/sample-fifo.ts';
import { Upsampler24kMonoTo48kStereo } from '../audio/upsampler.ts';
import { type Clock, createTicker, type Ticker } from '../clock.ts';
import type { OpusCodec, OpusEncoder } from '../codec/opus-codec.ts';
import type { Logger } from '../log.ts';

/** Where Opus packets go: the guild's voice connection. */
export interface OpusSink {
  /** Sends one packet now; false when the connection cannot send (it is dropped). */
  playOpus(packet: Uint8Array): boolean;
  setSpeaking(speaking: boolean): void;
}

export interface DownlinkOptions {
  codec: OpusCodec;
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
 * decoders do not interpolate the last real frame into a buzz.
 */
const SILENCE_FRAME = Uint8Array.of(0xf8, 0xff, 0xfe);
const SILENCE_TAIL_FRAMES = 5;

/**
 * States: idle → speaking (a packet every 20 ms) → ending (five silence frames) → idle.
 *
 * Owning the pacing instead of going through AudioPlayer saves its one frame of scheduling latency:
 * the first packet of an answer is sent the moment its audio arrives. While Gemini pauses between
 * bursts mid-answer we send encoded silence, so playback is never ended by a gap; `interrupt()`
 * drops everything queued and the next tick sends only silence.
 */
export class Downlink {
  readonly stats: DownlinkStats = { packetsSent: 0, underrunFrames: 0, interruptions: 0, flushedMs: 0 };
  readonly #options: DownlinkOptions;
  readonly #fifo = new SampleFifo(48_000);
  readonly #upsampler = new Upsampler24kMonoTo48kStereo();
  readonly #encoder: OpusEncoder;
  readonly #frame = new Int16Array(DISCORD_FRAME_SAMPLES);
  readonly #silence = new Int16Array(DISCORD_FRAME_SAMPLES);
  readonly #ticker: Ticker;
  readonly #stallTimeoutMs: number;
  #speaking = false;
  #turnDone = false;
  #silenceTailLeft = 0;
  #lastAudioAt = 0;
  #closed = false;

  constructor(options: DownlinkOptions) {
    this.#options = options;
    // Gemini's voice is mono: both channels of every frame are identical.
    this.#encoder = options.codec.createEncoder({
      monoSource: true,
      ...(options.bitrateBps === undefined ? {} : { bitrateBps: options.bitrateBps }),
    });
    this.#ticker = createTicker(options.clock, FRAME_MS, () => this.#tick());
    this.#stallTimeoutMs = options.stallTimeoutMs ?? 2_000;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Milliseconds of answer audio waiting to be played. */
  get queuedMs(): number {
    return (this.#fifo.length / DISCORD_FRAME_SAMPLES) * FRAME_MS;
  }

  /** A chunk of Gemini's answer (24 kHz mono). Starts playback at once when idle. */
  pushAudio(pcm24k: Int16Array): void {
    if (this.#closed || pcm24k.length === 0) return;
    this.#fifo.write(this.#upsampler.process(pcm24k));
    this.#lastAudioAt = this.#options.clock.now();
    this.#turnDone = false;
    this.#silenceTailLeft = 0;
    if (!this.#ticker.running) {
      this.#speaking = true;
      this.#tick();
      this.#ticker.start();
    }
  }

  /** The answer is complete: play what is queued, then stop. */
  endOfTurn(): void {
    this.#turnDone = true;
  }

  /** Barge-in: drop every queued sample now; only silence frames follow. */
  interrupt(): void {
    if (this.#closed) return;
    this.stats.interruptions += 1;
    this.stats.flushedMs += this.queuedMs;
    this.#fifo.discard();
    this.#upsampler.reset();
    if (this.#speaking) this.#beginSilenceTail();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ticker.stop();
    this.#fifo.discard();
    if (this.#speaking) this.#options.sink.setSpeaking(false);
    this.#speaking = false;
    this.#encoder.destroy();
  }

  #tick(): void {
    if (this.#silenceTailLeft > 0) {
      this.#play(SILENCE_FRAME);
      this.#silenceTailLeft -= 1;
      if (this.#silenceTailLeft === 0) this.#stop();
      return;
    }
    if (this.#fifo.length >= DISCORD_FRAME_SAMPLES) {
      this.#fifo.readInto(this.#frame);
      this.#play(this.#encoder.encode(this.#frame));
      return;
    }
    const stalled = this.#options.clock.now() - this.#lastAudioAt >= this.#stallTimeoutMs;
    if (this.#turnDone || stalled) {
      if (this.#fifo.length > 0) {
        this.#fifo.readInto(this.#frame); // zero-pads the last partial frame
        this.#play(this.#encoder.encode(this.#frame));
      }
      this.#beginSilenceTail();
      return;
    }
    // Gemini is between bursts: keep the stream continuous with silence.
    this.stats.underrunFrames += 1;
    this.#play(this.#encoder.encode(this.#silence));
  }

  #beginSilenceTail(): void {
    this.#silenceTailLeft = SILENCE_TAIL_FRAMES;
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
