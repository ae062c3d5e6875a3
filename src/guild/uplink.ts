// Uplink: every speaker's Opus → 16 kHz mono → one mix on a 20 ms clock → the Live session.

import { isSilent } from '../audio/level.ts';
import { Mixer } from '../audio/mixer.ts';
import { FRAME_MS, GEMINI_INPUT_FRAME_SAMPLES, GEMINI_INPUT_RATE_HZ, samplesFor } from '../audio/pcm.ts';
import { SampleFifo } from '../audio/sample-fifo.ts';
import { type Clock, createTicker, type Ticker } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { AudioOffload, UplinkDecoding } from './audio-offload.ts';
import type { DecodedAudio } from './speaker-decoders.ts';

/** Where mixed audio goes: the guild's Live session, which packs frames into chunks. */
export interface UplinkSink {
  /** One 20 ms frame. The array is reused for the next frame: copy what you keep. */
  sendAudio(pcm16k: Int16Array): void;
  sendAudioStreamEnd(): void;
  /** Discord turn-taking: someone started talking (their audio follows). */
  sendActivityStart(): void;
  /** Sends the partial chunk now: the start of a turn, held by the noise gate, should not wait for more. */
  flushAudio(): void;
  /** Discord turn-taking: everyone has been quiet for the hold; the turn is over. */
  sendActivityEnd(): void;
  /** Audio mixed but not yet sent (a partial chunk) is dropped. */
  discardPendingAudio(): void;
}

/**
 * Turns from Discord's own speech boundaries (Gemini's manual activity mode). A speaker's client
 * stops sending packets when its voice-activity detection (or push-to-talk) closes.
 */
export interface DiscordTurns {
  /** No packet from anyone for this long (ms) ends the turn; shorter gaps stay inside it. */
  holdMs: number;
  /**
   * Voice packets (ms of them, not counting the clients' closing silence frames) needed before a
   * turn starts, so a click or cough that passed someone's voice gate cannot barge in.
   */
  minBurstMs: number;
}

export interface UplinkOptions {
  /** Where Opus decoding (straight to 16 kHz mono) runs (the audio worker in the bot, inline in unit tests). */
  audio: AudioOffload;
  clock: Clock;
  sink: UplinkSink;
  log: Logger;
  /** Silence kept flowing after the last voice, so server-side VAD can close the turn. */
  silenceTailMs: number;
  /** Set = turns come from packet boundaries (no silence tail, no audioStreamEnd). */
  discordTurns?: DiscordTurns;
  /** A speaker further behind than this loses their oldest audio (counted), so lag cannot grow. */
  maxSpeakerBacklogMs?: number;
  /** Told which speakers were audible in each 20 ms frame (for transcript attribution). */
  onVoiceActivity?: (userIds: readonly string[], atMs: number) => void;
}

interface Speaker {
  fifo: SampleFifo;
  frame: Int16Array;
}

export interface UplinkStats {
  framesSent: number;
  badPackets: number;
  droppedMs: number;
  streamEnds: number;
  /** Discord turn-taking: turns started / bursts too short to start one (dropped). */
  turns: number;
  suppressedBursts: number;
}

type TurnPhase = 'idle' | 'gating' | 'active';

/** The Opus frame clients send (five of) when their voice gate closes: not voice. */
function isOpusSilenceFrame(packet: Uint8Array): boolean {
  return packet.length === 3 && packet[0] === 0xf8 && packet[1] === 0xff && packet[2] === 0xfe;
}

/**
 * States: paused (nothing sent, ticker stopped) → streaming (a frame every 20 ms while anyone
 * speaks, then `silenceTailMs` of silence) → audioStreamEnd → paused.
 *
 * Latency: the first packet after a pause is mixed and sent at once; later frames go out on
 * ticks placed half a frame after the first packet's phase, so a speaker's packet arriving up
 * to 10 ms late still makes its tick instead of leaving a 20 ms hole in the speech.
 */
export class Uplink {
  readonly stats: UplinkStats = {
    framesSent: 0,
    badPackets: 0,
    droppedMs: 0,
    streamEnds: 0,
    turns: 0,
    suppressedBursts: 0,
  };
  readonly #options: UplinkOptions;
  readonly #speakers = new Map<string, Speaker>();
  /** Who sent a packet since they were last forgotten: only their audio can be pending anywhere. */
  readonly #heard = new Set<string>();
  readonly #mixer = new Mixer(GEMINI_INPUT_FRAME_SAMPLES);
  /** The mix is written here every tick; the sink copies it (no allocation per frame). */
  readonly #mixed = new Int16Array(GEMINI_INPUT_FRAME_SAMPLES);
  readonly #ticker: Ticker;
  readonly #maxBacklogSamples: number;
  readonly #decoding: UplinkDecoding;
  readonly #mixInputs: Int16Array[] = [];
  readonly #active: string[] = [];
  #lastVoiceAt = Number.NEGATIVE_INFINITY;
  #lastPacketAt = Number.NEGATIVE_INFINITY;
  #phase: TurnPhase = 'idle';
  /** Frames held while a burst is too short to start a turn (sent once it is long enough). */
  readonly #pending: Int16Array[] = [];
  /** Voice packets received while gating, counted on arrival (before decoding) to decide at once. */
  #gatingVoiceMs = 0;
  #streaming = false;
  #closed = false;

  constructor(options: UplinkOptions) {
    this.#options = options;
    this.#ticker = createTicker(options.clock, FRAME_MS, () => this.#tick());
    this.#maxBacklogSamples = samplesFor(options.maxSpeakerBacklogMs ?? 100, GEMINI_INPUT_RATE_HZ);
    this.#decoding = options.audio.uplink((userId, audio) => this.#onDecoded(userId, audio));
  }

  get streaming(): boolean {
    return this.#streaming;
  }

  /** A packet that never reached the decoder (it failed to decrypt): counted with the bad ones. */
  recordLostPacket(): void {
    this.stats.badPackets += 1;
  }

  /** One Opus packet from one speaker. A corrupt packet is concealed and counted, never fatal. */
  pushOpus(userId: string, packet: Uint8Array): void {
    if (this.#closed) return;
    this.#heard.add(userId);
    const turns = this.#options.discordTurns;
    if (turns && this.#phase !== 'active' && !isOpusSilenceFrame(packet)) {
      this.#phase = 'gating';
      this.#gatingVoiceMs += FRAME_MS;
      if (this.#gatingVoiceMs >= turns.minBurstMs) this.#openTurn();
    }
    this.#decoding.push(userId, packet);
  }

  /** The burst is long enough: the turn starts, and what was held goes out behind activityStart. */
  #openTurn(): void {
    this.#phase = 'active';
    this.stats.turns += 1;
    this.#options.sink.sendActivityStart();
    for (const frame of this.#pending) this.#send(frame);
    this.#options.sink.flushAudio();
    this.#clearPending();
  }

  #onDecoded(userId: string, audio: DecodedAudio): void {
    if (this.#closed) return;
    if (audio.bad) {
      this.stats.badPackets += 1;
      this.#options.log.debug('undecodable voice packet concealed');
    }
    this.#lastPacketAt = this.#options.clock.now();
    const speaker = this.#speaker(userId);
    speaker.fifo.write(audio.pcm);
    const excess = speaker.fifo.length - this.#maxBacklogSamples;
    if (excess > 0) {
      speaker.fifo.discard(excess);
      this.stats.droppedMs += (excess * 1000) / GEMINI_INPUT_RATE_HZ;
    }
    if (!this.#streaming) {
      this.#streaming = true;
      // Counted as voice even if this first frame is quiet (Opus onsets often are), so the
      // silence tail cannot end a stream that has only just begun.
      this.#lastVoiceAt = this.#options.clock.now();
      this.#tick();
      this.#ticker.start(FRAME_MS + FRAME_MS / 2);
    }
  }

  /** Forgets a speaker who left the channel: their queued audio is not sent. */
  removeSpeaker(userId: string): void {
    this.#heard.delete(userId);
    this.#decoding.forget(userId);
    this.#speakers.delete(userId);
  }

  /**
   * Someone opted out: besides their queue, audio already mixed with them in it goes too — frames
   * held while a burst is gated and the sink's partial chunk — so nothing they said before the
   * command reaches Gemini after its reply (the others lose at most one chunk with them). Someone
   * not heard since they were last forgotten has nothing pending, and the others lose nothing: an
   * opted-out person is refused again at every speaking start, and must not cost the room audio.
   */
  forgetHeard(userId: string): void {
    const wasHeard = this.#heard.has(userId);
    this.removeSpeaker(userId);
    if (!wasHeard) return;
    // Their packets no longer count towards opening a turn either.
    this.#clearPending();
    this.#options.sink.discardPendingAudio();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ticker.stop();
    this.#decoding.close();
    this.#speakers.clear();
  }

  #speaker(userId: string): Speaker {
    let speaker = this.#speakers.get(userId);
    if (!speaker) {
      speaker = { fifo: new SampleFifo(), frame: new Int16Array(GEMINI_INPUT_FRAME_SAMPLES) };
      this.#speakers.set(userId, speaker);
    }
    return speaker;
  }

  #tick(): void {
    if (this.#options.discordTurns) {
      this.#turnTick(this.#options.discordTurns);
      return;
    }
    const now = this.#options.clock.now();
    this.#mixFrame(now);
    this.#send(this.#mixed);
    if (now - this.#lastVoiceAt >= this.#options.silenceTailMs && this.#queuedSamples() === 0) {
      this.#endStream();
    }
  }

  /**
   * Discord turn-taking: idle → gating (mixed frames held until `minBurstMs` of voice packets
   * arrived, see pushOpus) → active (activityStart, the held frames, then every frame) →
   * activityEnd once no packet came for `holdMs`. Only frames with someone's audio in them are
   * sent: no silence fills the gaps.
   */
  #turnTick(turns: DiscordTurns): void {
    const now = this.#options.clock.now();
    const hadInput = this.#mixFrame(now);
    if (hadInput && this.#phase === 'active') this.#send(this.#mixed);
    else if (hadInput) this.#pending.push(this.#mixed.slice());
    if (now - this.#lastPacketAt < turns.holdMs || this.#queuedSamples() > 0) return;
    if (this.#phase === 'active') this.#options.sink.sendActivityEnd();
    else if (this.#phase === 'gating') this.stats.suppressedBursts += 1;
    this.#clearPending();
    this.#phase = 'idle';
    this.#streaming = false;
    this.#ticker.stop();
  }

  /** Mixes one frame from every speaker with queued audio into #mixed; false when there was none. */
  #mixFrame(now: number): boolean {
    this.#mixInputs.length = 0;
    this.#active.length = 0;
    for (const [userId, speaker] of this.#speakers) {
      if (speaker.fifo.length === 0) continue;
      speaker.fifo.readInto(speaker.frame);
      this.#mixInputs.push(speaker.frame);
      if (!isSilent(speaker.frame)) this.#active.push(userId);
    }
    if (this.#active.length > 0) {
      this.#lastVoiceAt = now;
      this.#options.onVoiceActivity?.(this.#active, now);
    }
    // With no input the mix is silence (what the server-VAD tail sends).
    this.#mixer.mix(this.#mixInputs, undefined, this.#mixed);
    return this.#mixInputs.length > 0;
  }

  #send(frame: Int16Array): void {
    this.#options.sink.sendAudio(frame);
    this.stats.framesSent += 1;
  }

  #clearPending(): void {
    this.#pending.length = 0;
    this.#gatingVoiceMs = 0;
  }

  #endStream(): void {
    this.#options.sink.sendAudioStreamEnd();
    this.stats.streamEnds += 1;
    this.#streaming = false;
    this.#ticker.stop();
  }

  #queuedSamples(): number {
    let total = 0;
    for (const speaker of this.#speakers.values()) total += speaker.fifo.length;
    return total;
  }
}
