// Live session for one guild: a state machine over @google/genai with resumption, handover, reconnects.
import { EventEmitter } from 'node:events';
import type { LiveServerMessage, Session } from '@google/genai';
import { type Clock, raceTimeout, sleep, systemClock } from '../clock.ts';
import { BotError } from '../errors.ts';
import { capabilitiesFor, type ModelCapabilities } from './capabilities.ts';
import { afterSocketClosed, asBotError, reconnectExhausted } from './close-policy.ts';
import { type CloseInfo, openSocket } from './open-socket.ts';
import type { LiveEvent } from './protocol.ts';
import { DEFAULT_RETRY_POLICY, RetryBudget } from './retry-budget.ts';
import { type InvalidServerEvent, parseServerMessage } from './server-events.ts';
import type {
  CloseReason,
  LiveCounters,
  LiveSessionEvents,
  LiveSessionOptions,
  LiveState,
} from './session-types.ts';
import { buildSetup, runsNonBlocking } from './setup.ts';
import type { ResponseScheduling } from './tool-port.ts';
import { ToolRunner } from './tool-runner.ts';
import { LiveUplink } from './uplink.ts';

export type * from './session-types.ts';

/** How long (ms) a handover waits for the old socket's close handshake before resuming anyway. */
const OLD_SOCKET_CLOSE_WAIT_MS = 1_000;
/** How long (ms) close() waits for a server that never completes the close handshake. */
const CLOSE_WAIT_MS = 2_000;
/** Uplink audio kept while the socket is replaced (ms of 16 kHz audio); the oldest is dropped past it. */
const HANDOVER_BUFFER_MS = 5_000;
/** Video frames closer together than this (ms) are dropped (Live takes about one per second). */
const MIN_IMAGE_INTERVAL_MS = 1_000;
/** After goAway, wait for the model's turn to end but hand over this long (ms) before the deadline. */
const GOAWAY_MARGIN_MS = 2_000;

export class LiveSession extends EventEmitter<LiveSessionEvents> {
  readonly #reconnects = {
    reconnects: 0,
    freshSessions: 0,
    lastReconnectMs: null as number | null,
    maxReconnectMs: 0,
  };
  readonly #options: LiveSessionOptions;
  readonly #capabilities: ModelCapabilities;
  readonly #clock: Clock;
  readonly #budget: RetryBudget;
  readonly #uplink: LiveUplink;
  readonly #tools: ToolRunner;
  readonly #stop = new AbortController();
  #state: LiveState = { status: 'idle' };
  #handle: string | undefined;
  #generation = 0;
  #socketClosed: Promise<CloseInfo> | undefined;
  #lostAt = 0;
  #modelTurnActive = false;
  #handoverTimer: unknown;
  #loop: Promise<void> = Promise.resolve();
  #firstReady: { resolve(): void; reject(error: BotError): void } | undefined;
  /** True once any connection was ready: a later give-up is "lost", an earlier one "could not reach". */
  #everReady = false;
  /** Kinds of invalid server events already logged: a server stuck sending one shape logs it once. */
  readonly #loggedInvalid = new Set<string>();

  constructor(options: LiveSessionOptions) {
    super();
    this.#options = options;
    this.#capabilities = capabilitiesFor(options.settings.model);
    this.#clock = options.clock ?? systemClock;
    this.#budget = new RetryBudget({ ...DEFAULT_RETRY_POLICY, ...options.retry }, options.random);
    this.#uplink = new LiveUplink({
      inputChunkMs: options.settings.inputChunkMs,
      handoverBufferMs: HANDOVER_BUFFER_MS,
      minImageIntervalMs: MIN_IMAGE_INTERVAL_MS,
      now: () => this.#clock.now(),
    });
    this.#handle = options.resumeHandle;
    this.#tools = new ToolRunner({
      tools: options.tools,
      origin: options.origin,
      now: () => this.#clock.now(),
      onStarted: (call) => this.emit('toolCallStarted', call),
      onFinished: (call) => this.emit('toolCallFinished', call),
      schedulingFor: (name, ok) => this.#schedulingFor(name, ok),
      respond: (id, name, response, scheduling) => this.#uplink.toolResponse(id, name, response, scheduling),
    });
  }

  get state(): LiveState {
    return this.#state;
  }

  set state(next: LiveState) {
    const old = this.#state;
    this.#state = next;
    this.emit('stateChange', old, next);
  }

  /** The latest resumable handle (persist it to resume after a restart). */
  get handle(): string | undefined {
    return this.#handle;
  }

  /** Resolves when the first connection is ready; rejects with the fatal BotError otherwise. */
  connect(): Promise<void> {
    if (this.#state.status !== 'idle') {
      return Promise.reject(new BotError('LIVE_ALREADY_STARTED', 'connect() was already called'));
    }
    const ready = new Promise<void>((resolve, reject) => {
      this.#firstReady = { resolve, reject };
    });
    this.#startLoop(null, true);
    return ready;
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

  /** Manual activity detection: everyone stopped; Gemini answers now. */
  sendActivityEnd(): void {
    this.#uplink.activityEnd();
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
    return { ...this.#reconnects, ...this.#uplink.stats };
  }

  /** Idempotent; aborts running tools and leaves no socket or timer behind. */
  async close(): Promise<void> {
    if (this.#state.status !== 'closed') this.#shutDown({ kind: 'user' });
    await this.#loop;
    await this.#waitSocketClosed();
  }

  #startLoop(reason: CloseReason | null, immediate: boolean, oldSocketClosed?: Promise<unknown>): void {
    this.#loop = this.#connectLoop(reason, immediate, oldSocketClosed);
  }

  async #connectLoop(
    reason: CloseReason | null,
    immediate: boolean,
    oldSocketClosed?: Promise<unknown>,
  ): Promise<void> {
    if (oldSocketClosed) await this.#bounded(oldSocketClosed, OLD_SOCKET_CLOSE_WAIT_MS);
    if (this.#state.status === 'closed') return;
    let lastError: BotError | undefined;
    let freshTried = false;
    for (let attempt = 1; ; attempt++) {
      if (!(immediate && attempt === 1)) {
        const delay = this.#budget.next(this.#clock.now());
        if (delay === null) return this.#fail(reconnectExhausted(lastError, this.#everReady));
        if (!(await sleep(this.#clock, delay, this.#stop.signal))) return;
      }
      this.state = reason ? { status: 'reconnecting', reason, attempt } : { status: 'connecting', attempt };
      const generation = ++this.#generation;
      const resuming = this.#handle !== undefined;
      try {
        const opened = await openSocket({
          ai: this.#options.ai,
          setup: this.#setup(),
          timeoutMs: this.#options.connectTimeoutMs ?? 10_000,
          clock: this.#clock,
          signal: this.#stop.signal,
          onMessage: (message) => generation === this.#generation && this.#onMessage(message),
          onInvalidFrame: (issue) => this.#onInvalidEvent({ kind: 'frame', issue }),
          onClose: (info) => generation === this.#generation && this.#onSocketClosed(info),
          ...(this.#options.modelGoneMessage ? { modelGoneMessage: this.#options.modelGoneMessage } : {}),
        });
        this.#socketClosed = opened.closed;
        if (this.#isClosed()) {
          opened.session.close();
          return;
        }
        this.#becomeReady(opened.session, reason, resuming);
        const early = opened.closedEarly();
        if (early) this.#onSocketClosed(early);
        return;
      } catch (error) {
        if (this.#isClosed()) return;
        const failure = asBotError(error);
        this.#options.logger.warn({ code: failure.code, attempt, resuming }, 'live connect attempt failed');
        if (!failure.retryable && resuming && !freshTried && failure.code === 'LIVE_SETUP_REJECTED') {
          // An expired or unknown handle is refused like a bad config: try once without it.
          freshTried = true;
          this.#handle = undefined;
          this.#reconnects.freshSessions++;
          attempt = 0;
          immediate = true;
          continue;
        }
        if (!failure.retryable) return this.#fail(failure);
        lastError = failure;
      }
    }
  }

  #setup() {
    return buildSetup(this.#options.settings, this.#capabilities, {
      tools: this.#options.tools.declarations(),
      ...(this.#handle ? { resumeHandle: this.#handle } : {}),
    });
  }

  /** Scheduling is only sent for functions that run NON_BLOCKING, on models that take it. */
  #schedulingFor(name: string, ok: boolean): ResponseScheduling | undefined {
    if (!this.#capabilities.responseScheduling) return undefined;
    const spec = this.#options.tools.declarations().find((declaration) => declaration.name === name);
    if (!spec || !runsNonBlocking(spec, this.#capabilities)) return undefined;
    return ok ? spec.scheduling?.ok : spec.scheduling?.error;
  }

  #becomeReady(session: Session, reason: CloseReason | null, resumed: boolean): void {
    this.#modelTurnActive = false;
    this.state = { status: 'ready', session, since: this.#clock.now(), resumed };
    this.#everReady = true;
    this.#uplink.attach(session);
    if (!reason) {
      this.#options.logger.info({ resumed }, 'live session ready');
      this.#firstReady?.resolve();
      this.#firstReady = undefined;
      return;
    }
    const durationMs = Math.round(this.#clock.now() - this.#lostAt);
    this.#reconnects.reconnects++;
    this.#reconnects.lastReconnectMs = durationMs;
    this.#reconnects.maxReconnectMs = Math.max(this.#reconnects.maxReconnectMs, durationMs);
    this.#options.logger.info({ resumed, durationMs, reason: reason.kind }, 'live session reconnected');
    this.emit('reconnected', { reason, resumed, durationMs });
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
        this.#handle = event.handle;
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
      if (this.#handoverTimer !== undefined) this.#handOver();
    }
    if (event.type === 'goAway') this.#onGoAway(event.timeLeftMs);
  }

  #emitEvent(event: LiveEvent): void {
    // One emit per union member keeps listener payloads precisely typed.
    (this.emit as (name: string, payload: LiveEvent) => boolean)(event.type, event);
  }

  /** Hand over now if the model is quiet, else after its turn (but before the server's deadline). */
  #onGoAway(timeLeftMs: number): void {
    if (!this.#modelTurnActive) {
      this.#handOver();
      return;
    }
    this.#handoverTimer = this.#clock.setTimeout(
      () => this.#handOver(),
      Math.max(0, timeLeftMs - GOAWAY_MARGIN_MS),
    );
  }

  #handOver(): void {
    this.#clearHandoverTimer();
    const state = this.#state;
    if (state.status !== 'ready') return;
    // The server may refuse a resume while the old socket of the same session is open: close it first.
    this.#generation++;
    this.#uplink.detach();
    this.#lostAt = this.#clock.now();
    state.session.close();
    this.#startLoop({ kind: 'goAway' }, true, this.#socketClosed);
  }

  #onSocketClosed(info: CloseInfo): void {
    const state = this.#state;
    if (state.status !== 'ready') return;
    this.#clearHandoverTimer();
    this.#generation++;
    this.#uplink.detach();
    this.#lostAt = this.#clock.now();
    const upForMs = this.#lostAt - state.since;
    this.#budget.connectionEnded(upForMs);
    const reason: CloseReason = { kind: 'socket', code: info.code, reason: info.reason };
    this.#options.logger.warn({ code: info.code, upForMs: Math.round(upForMs) }, 'live socket closed');
    const next = afterSocketClosed(info, upForMs, this.#options.modelGoneMessage);
    if (next.action === 'fail') {
      this.#fail(next.error);
      return;
    }
    if (next.action === 'fresh') {
      this.#handle = undefined;
      this.#reconnects.freshSessions++;
    }
    this.#startLoop(reason, next.action === 'fresh');
  }

  #fail(error: BotError): void {
    this.#options.logger.error({ code: error.code }, 'live session failed');
    this.#firstReady?.reject(error);
    this.#firstReady = undefined;
    this.#shutDown({ kind: 'fatal', error });
    this.emit('fatal', error);
  }

  #shutDown(reason: CloseReason): void {
    const state = this.#state;
    this.#generation++;
    this.#stop.abort();
    this.#clearHandoverTimer();
    this.#tools.abortAll();
    this.#uplink.close();
    if (state.status === 'ready') state.session.close();
    this.state = { status: 'closed', reason };
    this.#firstReady?.reject(new BotError('LIVE_CLOSED', 'Live session closed before it was ready'));
    this.#firstReady = undefined;
  }

  /** A method, not an inline check: TS would keep the narrowing from before an await. */
  #isClosed(): boolean {
    return this.#state.status === 'closed';
  }

  #clearHandoverTimer(): void {
    if (this.#handoverTimer === undefined) return;
    this.#clock.clearTimeout(this.#handoverTimer);
    this.#handoverTimer = undefined;
  }

  /** Bounded: a server that never completes the close handshake must not hold close() forever. */
  async #waitSocketClosed(): Promise<void> {
    if (this.#socketClosed) await this.#bounded(this.#socketClosed, CLOSE_WAIT_MS);
  }

  #bounded(promise: Promise<unknown>, ms: number): Promise<unknown> {
    return raceTimeout(promise, ms, this.#clock, () => undefined);
  }
}
