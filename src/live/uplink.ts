// Everything the session sends: straight to the ready socket, or queued in order while there is none.
import { FunctionResponseScheduling, type Session } from '@google/genai';
import { GEMINI_INPUT_RATE_HZ } from '../audio/pcm.ts';
import { bytesToBase64, pcm16ToBase64 } from './pcm-base64.ts';
import { INPUT_MIME_TYPE } from './protocol.ts';
import type { ResponseScheduling } from './tool-port.ts';
import { Chunker, Outbox, type OutboxItem } from './uplink-outbox.ts';

export interface UplinkOptions {
  inputChunkMs: number;
  /** Audio kept while detached (ms); the oldest is dropped past it. */
  handoverBufferMs: number;
  /** Video frames closer together than this (ms) are dropped. */
  minImageIntervalMs: number;
  now(): number;
}

export interface UplinkStats {
  uplinkChunks: number;
  droppedUplinkMs: number;
  largestHandoverBufferMs: number;
  droppedImages: number;
}

const SCHEDULING: Record<ResponseScheduling, FunctionResponseScheduling> = {
  INTERRUPT: FunctionResponseScheduling.INTERRUPT,
  WHEN_IDLE: FunctionResponseScheduling.WHEN_IDLE,
  SILENT: FunctionResponseScheduling.SILENT,
};

export class LiveUplink {
  readonly #options: UplinkOptions;
  readonly #chunker: Chunker;
  readonly #outbox: Outbox;
  #session: Session | undefined;
  #closed = false;
  #lastImageAt = Number.NEGATIVE_INFINITY;
  #chunks = 0;
  #droppedImages = 0;
  /** An activityStart went out on a socket and its activityEnd has not (yet). */
  #activityOpen = false;
  /** Set by an opt-out: the first audio after it (without that person) goes at once, not a chunk later. */
  #flushNextAudio = false;

  constructor(options: UplinkOptions) {
    this.#options = options;
    this.#chunker = new Chunker(options.inputChunkMs);
    this.#outbox = new Outbox(options.handoverBufferMs);
  }

  /**
   * A socket is ready: send what was queued, in order, then send directly. A turn that was open
   * on the old socket is opened again first, so its audio stays inside one activity.
   */
  attach(session: Session): void {
    const queued = this.#outbox.drain();
    if (this.#activityOpen && queued[0]?.kind !== 'activityStart') {
      this.#deliver(session, { kind: 'activityStart' });
    }
    for (const item of queued) this.#deliver(session, item);
    this.#session = session;
  }

  /** The socket is going away: queue from now on. */
  detach(): void {
    this.#session = undefined;
  }

  /** The session is over: drop the queue and ignore further writes. */
  close(): void {
    this.#closed = true;
    this.#session = undefined;
    this.#outbox.drain();
  }

  audio(pcm16k: Int16Array): void {
    for (const chunk of this.#chunker.push(pcm16k)) this.#send({ kind: 'audio', samples: chunk });
    if (this.#flushNextAudio) {
      this.#flushNextAudio = false;
      this.flushAudio();
    }
  }

  /** The partial chunk goes now, as a shorter chunk. */
  flushAudio(): void {
    const rest = this.#chunker.flush();
    if (rest) this.#send({ kind: 'audio', samples: rest });
  }

  audioStreamEnd(): void {
    this.flushAudio();
    this.#send({ kind: 'audioStreamEnd' });
  }

  /** Typed text as realtime input: it joins whatever the people are saying. */
  /** Manual activity detection: a person started talking (flushes nothing: audio follows). */
  activityStart(): void {
    this.#send({ kind: 'activityStart' });
  }

  /** Manual activity detection: everyone is quiet; the partial chunk goes first. */
  activityEnd(): void {
    this.flushAudio();
    this.#send({ kind: 'activityEnd' });
  }

  /**
   * Audio not sent yet — the partial chunk, and what waits in the outbox during a handover — is
   * dropped and counted, never sent: it holds the voice of someone who just opted out.
   */
  discardPendingAudio(): void {
    this.#outbox.droppedSamples += this.#chunker.pendingSamples;
    this.#chunker.reset();
    this.#outbox.dropAudio();
    this.#flushNextAudio = true;
  }

  text(text: string): void {
    this.#send({ kind: 'text', text });
  }

  /** A typed turn of its own (clientContent, role user, turnComplete): interrupts a running answer. */
  userTurn(text: string): void {
    this.#send({ kind: 'userTurn', text });
  }

  toolResponse(
    id: string,
    name: string,
    response: Record<string, unknown>,
    scheduling?: ResponseScheduling,
  ): void {
    this.#send({ kind: 'toolResponse', id, name, response, ...(scheduling ? { scheduling } : {}) });
  }

  /** Frames are only worth sending live: none are queued, and at most one per interval. */
  image(jpeg: Uint8Array, mimeType: string): boolean {
    const now = this.#options.now();
    if (!this.#session || now - this.#lastImageAt < this.#options.minImageIntervalMs) {
      this.#droppedImages++;
      return false;
    }
    this.#lastImageAt = now;
    const data = bytesToBase64(jpeg);
    this.#session.sendRealtimeInput({ video: { data, mimeType } });
    return true;
  }

  get stats(): UplinkStats {
    const toMs = (samples: number) => Math.round((samples * 1000) / GEMINI_INPUT_RATE_HZ);
    return {
      uplinkChunks: this.#chunks,
      droppedUplinkMs: toMs(this.#outbox.droppedSamples),
      largestHandoverBufferMs: toMs(this.#outbox.largestSamples),
      droppedImages: this.#droppedImages,
    };
  }

  #send(item: OutboxItem): void {
    if (this.#closed) return;
    if (this.#session) this.#deliver(this.#session, item);
    else this.#outbox.push(item);
  }

  /** One field per sendRealtimeInput call, as the API expects. */
  #deliver(session: Session, item: OutboxItem): void {
    switch (item.kind) {
      case 'audio':
        this.#chunks++;
        session.sendRealtimeInput({
          audio: { data: pcm16ToBase64(item.samples), mimeType: INPUT_MIME_TYPE },
        });
        return;
      case 'audioStreamEnd':
        session.sendRealtimeInput({ audioStreamEnd: true });
        return;
      case 'activityStart':
        this.#activityOpen = true;
        session.sendRealtimeInput({ activityStart: {} });
        return;
      case 'activityEnd':
        this.#activityOpen = false;
        session.sendRealtimeInput({ activityEnd: {} });
        return;
      case 'text':
        session.sendRealtimeInput({ text: item.text });
        return;
      case 'userTurn':
        session.sendClientContent({
          turns: [{ role: 'user', parts: [{ text: item.text }] }],
          turnComplete: true,
        });
        return;
      case 'toolResponse':
        session.sendToolResponse({
          functionResponses: [
            {
              id: item.id,
              name: item.name,
              response: item.response,
              ...(item.scheduling ? { scheduling: SCHEDULING[item.scheduling] } : {}),
            },
          ],
        });
        return;
    }
  }
}
