// A Live session's connection: first connect, goAway handover, reconnects within the retry budget, close.
import type { EventEmitter } from 'node:events';
import type { LiveServerMessage, Session } from '@google/genai';
import { type Clock, raceTimeout, sleep } from '../clock.ts';
import { BotError } from '../errors.ts';
import { afterSocketClosed, asBotError, reconnectExhausted } from './close-policy.ts';
import { type CloseInfo, openSocket } from './open-socket.ts';
import { ReconnectStats } from './reconnect-stats.ts';
import { DEFAULT_RETRY_POLICY, RetryBudget } from './retry-budget.ts';
import type { CloseReason, LiveSessionEvents, LiveSessionOptions, LiveState } from './session-types.ts';
import type { LiveSetup } from './setup.ts';

/** How long (ms) a handover waits for the old socket's close handshake before resuming anyway. */
const OLD_SOCKET_CLOSE_WAIT_MS = 1_000;
/** How long (ms) close() waits for a server that never completes the close handshake. */
const CLOSE_WAIT_MS = 2_000;
/** After goAway, wait for the model's turn to end but hand over this long (ms) before the deadline. */
const GOAWAY_MARGIN_MS = 2_000;
/** Bound on open + setup (ms) when the caller sets none: the SDK has no connect timeout of its own. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** What the connection drives on the conversation's side of the session. */
export interface ConnectionPeer {
  /** The setup for the next socket, resuming `handle` when there is one. */
  setup(handle: string | undefined): LiveSetup;
  /** A socket is ready: sends go to it, what was queued first. */
  attach(session: Session): void;
  /** The socket is being replaced: sends wait in the queue for the next one. */
  detach(): void;
  /** The session is over for good: running tools stop, the queue is dropped. */
  shutDown(): void;
  onMessage(message: LiveServerMessage): void;
  onInvalidFrame(issue: string): void;
}

export type ConnectionOptions = Pick<
  LiveSessionOptions,
  'ai' | 'logger' | 'resumeHandle' | 'retry' | 'connectTimeoutMs' | 'modelGoneMessage' | 'random'
> & {
  clock: Clock;
  peer: ConnectionPeer;
  /** The session's own emitter: stateChange, reconnected and fatal reach its listeners unchanged. */
  events: Pick<EventEmitter<LiveSessionEvents>, 'emit'>;
};

export class LiveConnection {
  readonly #options: ConnectionOptions;
  readonly #clock: Clock;
  readonly #budget: RetryBudget;
  readonly #stop = new AbortController();
  readonly #stats = new ReconnectStats();
  #state: LiveState = { status: 'idle' };
  #handle: string | undefined;
  /** Bumped whenever a socket stops being ours: its late messages and close are ignored. */
  #generation = 0;
  #socketClosed: Promise<CloseInfo> | undefined;
  #handoverTimer: unknown;
  #loop: Promise<void> = Promise.resolve();
  #firstReady: { resolve(): void; reject(error: BotError): void } | undefined;
  /** True once any connection was ready: a later give-up is "lost", an earlier one "could not reach". */
  #everReady = false;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#clock = options.clock;
    this.#budget = new RetryBudget({ ...DEFAULT_RETRY_POLICY, ...options.retry }, options.random);
    this.#handle = options.resumeHandle;
  }

  get state(): LiveState {
    return this.#state;
  }

  get handle(): string | undefined {
    return this.#handle;
  }

  get counters(): ReconnectStats['counters'] {
    return this.#stats.counters;
  }

  /** The server's newest resumable handle: the next socket resumes with it. */
  keepHandle(handle: string): void {
    this.#handle = handle;
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

  /** Idempotent; leaves no socket or timer behind. */
  async close(): Promise<void> {
    if (this.#state.status !== 'closed') this.#shutDown({ kind: 'user' });
    await this.#loop;
    await this.#waitSocketClosed();
  }

  /** Hand over now if the model is quiet, else after its turn (but before the server's deadline). */
  goAway(timeLeftMs: number, modelTurnActive: boolean): void {
    // A repeated goAway replaces the earlier plan instead of leaving its timer to fire as well.
    this.#clearHandoverTimer();
    if (!modelTurnActive) {
      this.#handOver();
      return;
    }
    this.#handoverTimer = this.#clock.setTimeout(
      () => this.#handOver(),
      Math.max(0, timeLeftMs - GOAWAY_MARGIN_MS),
    );
  }

  /** The model's turn ended: a handover that waited for it happens now. */
  turnEnded(): void {
    if (this.#handoverTimer !== undefined) this.#handOver();
  }

  #setState(next: LiveState): void {
    const old = this.#state;
    this.#state = next;
    this.#options.events.emit('stateChange', old, next);
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
      this.#setState(
        reason ? { status: 'reconnecting', reason, attempt } : { status: 'connecting', attempt },
      );
      const generation = ++this.#generation;
      const resuming = this.#handle !== undefined;
      try {
        const { peer, modelGoneMessage } = this.#options;
        const opened = await openSocket({
          ai: this.#options.ai,
          setup: peer.setup(this.#handle),
          timeoutMs: this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          clock: this.#clock,
          signal: this.#stop.signal,
          onMessage: (message) => generation === this.#generation && peer.onMessage(message),
          onInvalidFrame: (issue) => peer.onInvalidFrame(issue),
          onClose: (info) => generation === this.#generation && this.#onSocketClosed(info),
          ...(modelGoneMessage ? { modelGoneMessage } : {}),
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
          this.#startFresh();
          attempt = 0;
          immediate = true;
          continue;
        }
        if (!failure.retryable) return this.#fail(failure);
        lastError = failure;
      }
    }
  }

  #becomeReady(session: Session, reason: CloseReason | null, resumed: boolean): void {
    this.#setState({ status: 'ready', session, since: this.#clock.now(), resumed });
    this.#everReady = true;
    this.#options.peer.attach(session);
    if (!reason) {
      this.#options.logger.info({ resumed }, 'live session ready');
      this.#firstReady?.resolve();
      this.#firstReady = undefined;
      return;
    }
    const durationMs = this.#stats.reconnected(this.#clock.now());
    this.#options.logger.info({ resumed, durationMs, reason: reason.kind }, 'live session reconnected');
    this.#options.events.emit('reconnected', { reason, resumed, durationMs });
  }

  #handOver(): void {
    this.#clearHandoverTimer();
    const state = this.#state;
    if (state.status !== 'ready') return;
    // The server may refuse a resume while the old socket of the same session is open: close it first.
    this.#loseSocket(state.since);
    state.session.close();
    this.#startLoop({ kind: 'goAway' }, true, this.#socketClosed);
  }

  #onSocketClosed(info: CloseInfo): void {
    const state = this.#state;
    if (state.status !== 'ready') return;
    this.#clearHandoverTimer();
    const upForMs = this.#loseSocket(state.since);
    this.#budget.connectionEnded(upForMs);
    const reason: CloseReason = { kind: 'socket', code: info.code, reason: info.reason };
    this.#options.logger.warn({ code: info.code, upForMs: Math.round(upForMs) }, 'live socket closed');
    const next = afterSocketClosed(info, upForMs, this.#options.modelGoneMessage);
    if (next.action === 'fail') {
      this.#fail(next.error);
      return;
    }
    if (next.action === 'fresh') this.#startFresh();
    this.#startLoop(reason, next.action === 'fresh');
  }

  /** The ready socket stops being ours; sends queue until the next one is ready. Returns how long it was up (ms). */
  #loseSocket(readySince: number): number {
    this.#generation++;
    this.#options.peer.detach();
    return this.#stats.lost(this.#clock.now(), readySince);
  }

  /** The next socket starts a new conversation: the handle would carry a refused or exhausted one over. */
  #startFresh(): void {
    this.#handle = undefined;
    this.#stats.startedFresh();
  }

  #fail(error: BotError): void {
    this.#options.logger.error({ code: error.code }, 'live session failed');
    this.#firstReady?.reject(error);
    this.#firstReady = undefined;
    this.#shutDown({ kind: 'fatal', error });
    this.#options.events.emit('fatal', error);
  }

  #shutDown(reason: CloseReason): void {
    const state = this.#state;
    this.#generation++;
    this.#stop.abort();
    this.#clearHandoverTimer();
    this.#options.peer.shutDown();
    if (state.status === 'ready') state.session.close();
    this.#setState({ status: 'closed', reason });
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
