// One Live connection attempt: ai.live.connect with our own timeout, failures as BotErrors.
import type { GoogleGenAI, LiveServerMessage, Session } from '@google/genai';
import type { Clock } from '../clock.ts';
import { BotError, UserFacingError } from '../errors.ts';
import { scrubSecrets } from '../log.ts';
import { CONFIG_INVALID_MESSAGE, setupRejectedMessage } from './end-messages.ts';
import { guardFrames } from './frame-guard.ts';
import type { LiveSetup } from './setup.ts';

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface OpenSocketOptions {
  ai: GoogleGenAI;
  setup: LiveSetup;
  timeoutMs: number;
  clock: Clock;
  /** Aborting gives up on the attempt at once (LIVE_CLOSED) and closes its socket. */
  signal: AbortSignal;
  onMessage(message: LiveServerMessage): void;
  /** A frame that is not a JSON object was dropped before the SDK parsed it. */
  onInvalidFrame(issue: string): void;
  /** The socket closed after the connection was established (never called for a failed attempt). */
  onClose(info: CloseInfo): void;
  /** What the guild is told when the server says the model is unknown or retired. */
  modelGoneMessage?: string;
}

/** Close codes the server uses for a setup it will never accept (bad key, model, config). */
export const SETUP_REJECTED_CODES: ReadonlySet<number> = new Set([1007, 1008]);

/** The error code of a setup closed because the model is unknown or no longer offers Live. */
export const MODEL_GONE_CODE = 'LIVE_MODEL_UNAVAILABLE';

/**
 * The server's 1008 for a model it does not know or that does not offer Live: "models/X is not
 * found for API version v1beta, or is not supported for bidiGenerateContent." (Google's wording).
 */
export function isModelGone(info: CloseInfo): boolean {
  return info.code === 1008 && /not found|not supported for bidiGenerateContent/i.test(info.reason);
}

/**
 * Resolves once the server answered setup. Rejects with LIVE_SETUP_REJECTED (not retryable),
 * LIVE_CONNECT_TIMEOUT or LIVE_CONNECT_FAILED (retryable), or LIVE_CONFIG_INVALID.
 */
export interface OpenedSocket {
  session: Session;
  /** Settles when this socket has closed, whoever closed it. */
  closed: Promise<CloseInfo>;
  /** Set if the socket closed before connect() returned (onClose is not called for that). */
  closedEarly(): CloseInfo | undefined;
}

export async function openSocket(options: OpenSocketOptions): Promise<OpenedSocket> {
  let established = false;
  let markClosed: (info: CloseInfo) => void = () => {};
  const closedPromise = new Promise<CloseInfo>((resolve) => {
    markClosed = resolve;
  });
  let closed: CloseInfo | undefined;
  let socket: { close(): void } | undefined;
  const callbacks = {
    onmessage: (message: LiveServerMessage) => options.onMessage(message),
    // A close always follows an error; the close carries the code we classify on.
    onerror: () => {},
    onclose: (event: { code?: number; reason?: unknown }) => {
      closed = { code: event.code ?? 1006, reason: String(event.reason ?? '') };
      markClosed(closed);
      if (established) options.onClose(closed);
    },
  };
  const attempt = connectCapturingSocket(
    options.ai,
    { ...options.setup, callbacks },
    (ws) => {
      socket = ws;
    },
    options.onInvalidFrame,
  );
  let timer: unknown;
  let onAbort = () => {};
  const giveUp = new Promise<'timeout' | 'aborted'>((resolve) => {
    timer = options.clock.setTimeout(() => resolve('timeout'), options.timeoutMs);
    onAbort = () => resolve('aborted');
    if (options.signal.aborted) onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([attempt, giveUp]);
    if (outcome === 'timeout' || outcome === 'aborted') {
      safeClose(socket);
      // If setup completes after all, that session is unwanted.
      attempt.then(
        (late) => late.close(),
        () => {},
      );
      if (outcome === 'aborted') throw new BotError('LIVE_CLOSED', 'Live session closed while connecting');
      throw new BotError(
        'LIVE_CONNECT_TIMEOUT',
        `Gemini did not answer setup within ${options.timeoutMs} ms`,
        {
          retryable: true,
        },
      );
    }
    established = true;
    return { session: outcome, closed: closedPromise, closedEarly: () => closed };
  } catch (error) {
    if (error instanceof BotError) throw error;
    throw classifyFailure(error, closed, socket, options.modelGoneMessage);
  } finally {
    options.clock.clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
}

function classifyFailure(
  error: unknown,
  closed: CloseInfo | undefined,
  socket: { close(): void } | undefined,
  modelGoneMessage: string | undefined,
) {
  if (closed && modelGoneMessage && isModelGone(closed)) {
    return new UserFacingError(modelGoneMessage, MODEL_GONE_CODE, { cause: error, closeCode: closed.code });
  }
  if (closed && SETUP_REJECTED_CODES.has(closed.code)) {
    const reason = cleanReason(closed.reason);
    return new UserFacingError(setupRejectedMessage(closed.code, reason), 'LIVE_SETUP_REJECTED', {
      cause: error,
      closeCode: closed.code,
    });
  }
  if (closed) {
    return new BotError('LIVE_CONNECT_FAILED', `Live socket closed during setup (code ${closed.code})`, {
      cause: error,
      retryable: true,
      closeCode: closed.code,
    });
  }
  // No close at all: the SDK refused our config after opening the socket, and leaves it open.
  safeClose(socket);
  return new UserFacingError(CONFIG_INVALID_MESSAGE, 'LIVE_CONFIG_INVALID', {
    cause: error,
  });
}

/**
 * Server reasons are short sentences shown to users; the logger's scrubber makes sure no key or
 * token can ride along (they skip the logger on their way to Discord).
 */
function cleanReason(reason: string): string {
  return scrubSecrets(reason, []).slice(0, 200).trim();
}

function safeClose(socket: { close(): void } | undefined): void {
  try {
    socket?.close();
  } catch {
    // Already closed or never opened: nothing left to release.
  }
}

interface SocketFactory {
  create(url: string, headers: Record<string, string>, callbacks: unknown): { close(): void };
}

/**
 * Workaround (@google/genai 3.3): live.connect has no timeout or abort and hides its socket until
 * setupComplete, so a server that never answers would leak an open socket. We wrap the client's
 * socket factory for the synchronous part of connect() that creates the socket (and check its
 * frames on the way in). Remove when connect() honours an AbortSignal.
 */
function connectCapturingSocket(
  ai: GoogleGenAI,
  params: Parameters<GoogleGenAI['live']['connect']>[0],
  capture: (socket: { close(): void }) => void,
  onInvalidFrame: (issue: string) => void,
): Promise<Session> {
  const live = ai.live as unknown as { webSocketFactory?: SocketFactory };
  const original = live.webSocketFactory;
  if (!original || typeof original.create !== 'function') return ai.live.connect(params);
  const wrapper: SocketFactory = Object.create(original);
  wrapper.create = (url, headers, callbacks) => {
    const socket = original.create(url, headers, guardFrames(callbacks, onInvalidFrame));
    capture(socket);
    return socket;
  };
  live.webSocketFactory = wrapper;
  try {
    return ai.live.connect(params);
  } finally {
    live.webSocketFactory = original;
  }
}
