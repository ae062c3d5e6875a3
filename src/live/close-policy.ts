// What a Live session does when its socket closes or its connect attempts run out, as pure decisions.
import { BotError, UserFacingError } from '../errors.ts';
import { reconnectExhaustedMessage, sessionRejectedMessage } from './end-messages.ts';
import { type CloseInfo, isModelGone, MODEL_GONE_CODE, SETUP_REJECTED_CODES } from './open-socket.ts';

/** A 1007/1008 after this long (ms) of healthy session means "context exhausted": start fresh once. */
export const FRESH_SESSION_AFTER_MS = 60_000;

export type AfterClose =
  /** Tell the guild and stop: nothing a reconnect could fix. */
  | { action: 'fail'; error: BotError }
  /** Reconnect at once without the handle, which would carry the exhausted context over. */
  | { action: 'fresh' }
  /** Reconnect with the handle, after the retry budget's backoff. */
  | { action: 'reconnect' };

/** The decision for a socket that closed `upForMs` after it became ready. */
export function afterSocketClosed(info: CloseInfo, upForMs: number, modelGoneMessage?: string): AfterClose {
  if (modelGoneMessage && isModelGone(info)) {
    return {
      action: 'fail',
      error: new UserFacingError(modelGoneMessage, MODEL_GONE_CODE, { closeCode: info.code }),
    };
  }
  if (!SETUP_REJECTED_CODES.has(info.code)) return { action: 'reconnect' };
  if (upForMs >= FRESH_SESSION_AFTER_MS) return { action: 'fresh' };
  return {
    action: 'fail',
    error: new UserFacingError(sessionRejectedMessage(info.code), 'LIVE_SESSION_REJECTED', {
      closeCode: info.code,
    }),
  };
}

/** The error a connect attempt failed with, as a BotError (anything else is unexpected). */
export function asBotError(error: unknown): BotError {
  if (error instanceof BotError) return error;
  return new BotError('LIVE_UNEXPECTED', 'Unexpected failure while connecting to Gemini', { cause: error });
}

/** The retry budget is spent: one sentence, "lost" if a connection ever worked, else "could not reach". */
export function reconnectExhausted(lastError: BotError | undefined, everConnected: boolean): BotError {
  return new UserFacingError(reconnectExhaustedMessage(everConnected), 'LIVE_RECONNECT_EXHAUSTED', {
    cause: lastError,
  });
}
