// What the Live session and text answers need from a tool registry, without depending on tools/.

/** A function declaration as Gemini accepts it (parameters are a JSON-schema subset). */
export interface FunctionDeclarationSpec {
  name: string;
  description: string;
  parameters?: Record<string, unknown>;
  /** Live only, on models that support it: the model keeps talking while the tool runs. */
  behavior?: 'NON_BLOCKING';
}

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

/** The result Gemini reads: `{ output }` on success or `{ error }` with a readable sentence. */
export type FunctionCallResult = { output: unknown } | { error: string };

export interface ToolPort {
  declarations(): FunctionDeclarationSpec[];
  /** Never throws: every failure is turned into `{ error }` the model can read. */
  call(
    request: FunctionCallRequest,
    origin: ToolCallOrigin,
    signal: AbortSignal,
  ): Promise<FunctionCallResult>;
}
