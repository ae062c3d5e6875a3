// What the Live session and text answers need from a tool registry, without depending on tools/.

/** A function declaration as Gemini accepts it (parameters are a JSON-schema subset). */
export interface FunctionDeclarationSpec {
  name: string;
  description: string;
  parameters?: Record<string, unknown>;
  /**
   * Live only. NON_BLOCKING (where the model supports it): the model keeps talking while the tool
   * runs. Omitted = BLOCKING: the model waits for the result (quick tools).
   */
  behavior?: 'BLOCKING' | 'NON_BLOCKING';
  /**
   * For NON_BLOCKING tools on models that take it: what the model does when the result arrives,
   * after a success and after a failure. INTERRUPT = speak of it at once, WHEN_IDLE = after the
   * current answer, SILENT = only remember it.
   */
  scheduling?: { ok: ResponseScheduling; error: ResponseScheduling };
}

export type ResponseScheduling = 'INTERRUPT' | 'WHEN_IDLE' | 'SILENT';

export interface FunctionCallRequest {
  /** Echoed back in the response; Gemini matches responses to calls by it. */
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** Who asked, so tools can act in the right guild/channel. Filled in by guild/ or discord/. */
export interface ToolCallOrigin {
  guildId: string | null;
  channelId: string | null;
  userId: string | null;
  /** 'live' = Gemini called it during a voice session, 'text' = during a text answer. */
  via: 'live' | 'text';
}

/**
 * The result Gemini reads: `{ output }` on success or `{ error }` with a readable sentence, and
 * whether calling again could help (the Live models otherwise re-call tools in sweeps).
 */
export type FunctionCallResult = { output: unknown } | { error: string; retryable: boolean };

export interface ToolPort {
  declarations(): FunctionDeclarationSpec[];
  /** Never throws: every failure is turned into `{ error }` the model can read. */
  call(
    request: FunctionCallRequest,
    origin: ToolCallOrigin,
    signal: AbortSignal,
  ): Promise<FunctionCallResult>;
}

/**
 * What a function response says to Gemini. A status, whether a retry helps and a sentence on
 * failure: the 3.8 Live migration notes describe the model re-calling tools two to five times in a
 * row when a response does not say why it came back empty or failed.
 */
export function functionResponsePayload(result: FunctionCallResult): Record<string, unknown> {
  if ('error' in result) return { status: 'error', retryable: result.retryable, message: result.error };
  return { status: 'ok', output: result.output };
}
