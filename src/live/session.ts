// Live session for one guild: the conversation (sends, events, tools) over a connection that resumes and reconnects.
import { EventEmitter } from 'node:events';
import type { LiveServerMessage } from '@google/genai';
import { type Clock, systemClock } from '../clock.ts';
import { capabilitiesFor, type ModelCapabilities } from './capabilities.ts';
import { LiveConnection } from './live-connection.ts';
import type { LiveEvent } from './protocol.ts';
import { type InvalidServerEvent, parseServerMessage } from './server-events.ts';
import type { LiveCounters, LiveSessionEvents, LiveSessionOptions, LiveState } from './session-types.ts';
import { buildSetup, runsNonBlocking } from './setup.ts';
import type { ResponseScheduling } from './tool-port.ts';
import { ToolRunner } from './tool-runner.ts';
import { LiveUplink } from './uplink.ts';

export type * from './session-types.ts';

/** Uplink audio kept while the socket is replaced (ms of 16 kHz audio); the oldest is dropped past it. */
const HANDOVER_BUFFER_MS = 5_000;
/** Video frames closer together than this (ms) are dropped (Live takes about one per second). */
const MIN_IMAGE_INTERVAL_MS = 1_000;

export class LiveSession extends EventEmitter<LiveSessionEvents> {
  readonly #options: LiveSessionOptions;
  readonly #capabilities: ModelCapabilities;
  readonly #clock: Clock;
  readonly #connection: LiveConnection;
  readonly #uplink: LiveUplink;
  readonly #tools: ToolRunner;
  #modelTurnActive = false;
  /** Kinds of invalid server events already logged: a server stuck sending one shape logs it once. */
  readonly #loggedInvalid = new Set<string>();

  constructor(options: LiveSessionOptions) {
    super();
    this.#options = options;
    this.#capabilities = capabilitiesFor(options.settings.model);
    this.#clock = options.clock ?? systemClock;
    this.#uplink = new LiveUplink({
      inputChunkMs: options.settings.inputChunkMs,
      handoverBufferMs: HANDOVER_BUFFER_MS,
      minImageIntervalMs: MIN_IMAGE_INTERVAL_MS,
      now: () => this.#clock.now(),
    });
    this.#tools = new ToolRunner({
      tools: options.tools,
      origin: options.origin,
      now: () => this.#clock.now(),
      onStarted: (call) => this.emit('toolCallStarted', call),
      onFinished: (call) => this.emit('toolCallFinished', call),
      schedulingFor: (name, ok) => this.#schedulingFor(name, ok),
      respond: (id, name, response, scheduling) => this.#uplink.toolResponse(id, name, response, scheduling),
    });
    this.#connection = new LiveConnection({
      ...options,
      clock: this.#clock,
      events: this,
      peer: {
        setup: (handle) =>
          buildSetup(options.settings, this.#capabilities, {
            tools: options.tools.declarations(),
            ...(handle ? { resumeHandle: handle } : {}),
          }),
        attach: (session) => {
          this.#modelTurnActive = false;
          this.#uplink.attach(session);
        },
        detach: () => this.#uplink.detach(),
        shutDown: () => {
          this.#tools.abortAll();
          this.#uplink.close();
        },
        onMessage: (message) => this.#onMessage(message),
        onInvalidFrame: (issue) => this.#onInvalidEvent({ kind: 'frame', issue }),
      },
    });
  }

  get state(): LiveState {
    return this.#connection.state;
  }

  /** The latest resumable handle (persist it to resume after a restart). */
  get handle(): string | undefined {
    return this.#connection.handle;
  }

  /** Resolves when the first connection is ready; rejects with the fatal BotError otherwise. */
  connect(): Promise<void> {
    return this.#connection.connect();
  }

  /** 16 kHz mono PCM16, any length: re-chunked to the configured size, buffered while reconnecting. */
  sendAudio(pcm16k: Int16Array): void {
    this.#uplink.audio(pcm16k);
  }

  /** Tells the server's activity detection that the mic went quiet (flushes the partial chunk first). */
  sendAudioStreamEnd(): void {
    this.#uplink.audioStreamEnd();
  }

  /** Manual activity detection: a person started talking (their audio follows). */
  sendActivityStart(): void {
    this.#uplink.activityStart();
  }

  /** Sends the partial chunk now instead of when the chunk is full. */
  flushAudio(): void {
    this.#uplink.flushAudio();
  }

  /** Manual activity detection: everyone stopped; Gemini answers now. */
  sendActivityEnd(): void {
    this.#uplink.activityEnd();
  }

  /** Drops audio held for the next chunk, unsent (someone in it opted out). */
  discardPendingAudio(): void {
    this.#uplink.discardPendingAudio();
  }

  /**
   * A typed user turn (e.g. an @mention answered through the voice session). Where the model takes
   * client content for the whole session it goes as its own user turn, which ends (interrupts) an
   * answer in progress, so the next answer is this question's; otherwise as realtime text.
   */
  sendText(text: string): void {
    if (this.#capabilities.clientContentTurns) this.#uplink.userTurn(text);
    else this.#uplink.text(text);
  }

  /** True from the model's first words of a turn until its turnComplete. */
  get modelTurnActive(): boolean {
    return this.#modelTurnActive;
  }

  /** What this session's model accepts (for callers that adapt, e.g. typed questions). */
  get capabilities(): Readonly<ModelCapabilities> {
    return this.#capabilities;
  }

  /** One video frame; returns false (and counts it) when not ready or within ~1 s of the last one. */
  sendImage(jpeg: Uint8Array, mimeType = 'image/jpeg'): boolean {
    return this.#uplink.image(jpeg, mimeType);
  }

  /** A snapshot for /status. */
  get counters(): LiveCounters {
    return { ...this.#connection.counters, ...this.#uplink.stats };
  }

  /** Idempotent; aborts running tools and leaves no socket or timer behind. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  /** Scheduling is only sent for functions that run NON_BLOCKING, on models that take it. */
  #schedulingFor(name: string, ok: boolean): ResponseScheduling | undefined {
    if (!this.#capabilities.responseScheduling) return undefined;
    const spec = this.#options.tools.declarations().find((declaration) => declaration.name === name);
    if (!spec || !runsNonBlocking(spec, this.#capabilities)) return undefined;
    return ok ? spec.scheduling?.ok : spec.scheduling?.error;
  }

  #onMessage(message: LiveServerMessage): void {
    for (const event of parseServerMessage(message, (invalid) => this.#onInvalidEvent(invalid))) {
      // One event whose handling fails must not take the rest of the frame (a turnComplete, a goAway) with it.
      try {
        this.#dispatch(event);
      } catch (error) {
        this.#options.logger.error({ err: error, event: event.type }, 'handling a Gemini event failed');
      }
    }
  }

  #onInvalidEvent(invalid: InvalidServerEvent): void {
    this.emit('invalidEvent', invalid);
    if (this.#loggedInvalid.has(invalid.kind)) return;
    this.#loggedInvalid.add(invalid.kind);
    this.#options.logger.warn(
      invalid,
      'invalid Gemini event skipped (later ones of this kind are only counted)',
    );
  }

  #dispatch(event: LiveEvent): void {
    switch (event.type) {
      case 'audio':
      case 'outputTranscript':
        this.#modelTurnActive = true;
        break;
      case 'resumptionHandle':
        this.#connection.keepHandle(event.handle);
        this.emit('handle', event.handle);
        break;
      case 'toolCall':
        this.#tools.run(event.calls);
        break;
      case 'toolCallCancellation':
        this.#tools.cancel(event.ids);
        break;
    }
    this.#emitEvent(event);
    if (event.type === 'turnComplete') {
      this.#modelTurnActive = false;
      this.#connection.turnEnded();
    }
    if (event.type === 'goAway') this.#connection.goAway(event.timeLeftMs, this.#modelTurnActive);
  }

  #emitEvent(event: LiveEvent): void {
    // One emit per union member keeps listener payloads precisely typed.
    (this.emit as (name: string, payload: LiveEvent) => boolean)(event.type, event);
  }
}
