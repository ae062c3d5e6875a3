// Error types: a stable code on every error so logs and tests match on codes, not messages.

export interface BotErrorOptions {
  cause?: unknown;
  /** True when trying the same thing again later may succeed (network blips, 1011 closes). */
  retryable?: boolean;
  /** The WebSocket close code behind the failure, when a server closed a connection. */
  closeCode?: number;
}

/** Any failure the bot understands. `code` is stable (e.g. LIVE_SETUP_REJECTED). */
export class BotError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly closeCode: number | undefined;

  constructor(code: string, message: string, options: BotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BotError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.closeCode = options.closeCode;
  }
}

/**
 * An error whose message is written for the person who triggered it: shown to them as is
 * (ephemeral reply, one clear sentence). Anything else is a bug and is reported with an id.
 */
export class UserFacingError extends BotError {
  constructor(message: string, code = 'USER_FACING', options: BotErrorOptions = {}) {
    super(code, message, options);
    this.name = 'UserFacingError';
  }
}

/**
 * Thrown by a tool when its message is safe and useful for Gemini to read. Any other
 * exception from a tool reaches the model only as a fixed generic message.
 */
export class ToolError extends BotError {
  constructor(message: string, code = 'TOOL_FAILED', options: BotErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ToolError';
  }
}

/** The stable code of any thrown value, for structured logs. */
export function errorCode(error: unknown): string {
  if (error instanceof BotError) return error.code;
  return 'UNEXPECTED';
}
