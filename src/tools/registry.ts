// ToolRegistry: validates, runs (timeout, abort), maps errors, caps results and reports each call.
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { type Clock, systemClock } from '../clock.ts';
import { BotError, errorCode, ToolError } from '../errors.ts';
import type {
  FunctionCallRequest,
  FunctionCallResult,
  FunctionDeclarationSpec,
  ToolCallOrigin,
  ToolPort,
} from '../live/tool-port.ts';
import type { Logger } from '../log.ts';
import type { AnyTool, ToolContext, ToolRunOrigin } from './define-tool.ts';
import type { GuildToolServices } from './guild-services.ts';
import { describeIssues, outputText, truncate } from './result-text.ts';
import { type CompiledTool, compileTool } from './tool-schema.ts';

export interface ToolRegistryOptions {
  tools: readonly AnyTool[];
  /** The guild capabilities for a call; null outside a guild. Called once per call. */
  servicesFor: (origin: ToolRunOrigin) => GuildToolServices | null;
  logger: Logger;
  /** Per-call limit unless a tool sets its own; default 10 000 ms. */
  timeoutMs?: number;
  /** Longest result (JSON characters) handed to Gemini; default 4000. */
  maxResultChars?: number;
  /** Timers and monotonic durations; default the system clock. */
  clock?: Clock;
  /** Wall time handed to tools as `ctx.now()`; default `new Date()`. */
  wallClock?: () => Date;
}

/** One finished call, for transcripts ("🔧 roll_dice …") and usage stats. */
export interface ToolCallRecord {
  name: string;
  args: Record<string, unknown>;
  origin: ToolRunOrigin;
  /** Gemini's call id; absent for slash command runs. */
  id?: string;
  /** 'cancelled': the caller aborted it (Gemini's toolCallCancellation, /leave, shutdown). */
  outcome: 'ok' | 'error' | 'cancelled';
  /** The (capped) output on success. */
  result?: unknown;
  /** The message returned instead of a result on failure. */
  error?: string;
  durationMs: number;
}

/** `call` result plus `text`, the human-readable form slash commands reply with. */
export type ToolRunResult = { output: unknown; text: string } | { error: string; retryable: boolean };

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESULT_CHARS = 4_000;
/** Error sentences come from tools; keep them short enough for a prompt and a Discord reply. */
const MAX_ERROR_CHARS = 500;

/** Why a call's own signal was aborted; turned into the sentence the model reads. */
class StopReason {
  readonly message: string;
  /** True when someone called it off (Gemini, /leave, shutdown); false for our own timeout. */
  readonly cancelled: boolean;
  constructor(message: string, cancelled: boolean) {
    this.message = message;
    this.cancelled = cancelled;
  }
}

interface InFlight {
  controller: AbortController;
  guildId: string | null;
}

export class ToolRegistry implements ToolPort {
  readonly #tools = new Map<string, { tool: AnyTool; compiled: CompiledTool }>();
  readonly #servicesFor: ToolRegistryOptions['servicesFor'];
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #maxResultChars: number;
  readonly #clock: Clock;
  readonly #wallClock: () => Date;
  readonly #inFlight = new Set<InFlight>();
  readonly #listeners = new Set<(record: ToolCallRecord) => void>();

  /** Throws BotError TOOL_DEFINITION_INVALID when a tool breaks a Discord/Gemini limit. */
  constructor(options: ToolRegistryOptions) {
    for (const tool of options.tools) {
      if (this.#tools.has(tool.name)) {
        throw new BotError('TOOL_DEFINITION_INVALID', `Tool "${tool.name}", name: defined twice`);
      }
      this.#tools.set(tool.name, { tool, compiled: compileTool(tool) });
    }
    this.#servicesFor = options.servicesFor;
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResultChars = options.maxResultChars ?? DEFAULT_MAX_RESULT_CHARS;
    this.#clock = options.clock ?? systemClock;
    this.#wallClock = options.wallClock ?? (() => new Date());
  }

  declarations(): FunctionDeclarationSpec[] {
    return [...this.#tools.values()].map((t) => structuredClone(t.compiled.declaration));
  }

  /** One slash command registration payload per tool, in definition order. */
  commands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
    return [...this.#tools.values()].map((t) => structuredClone(t.compiled.command));
  }

  /** Subscribes to finished calls; returns the unsubscribe function. */
  onCall(listener: (record: ToolCallRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Gemini's entry point (ToolPort). Never throws. */
  async call(
    request: FunctionCallRequest,
    origin: ToolCallOrigin,
    signal: AbortSignal,
  ): Promise<FunctionCallResult> {
    const result = await this.#run(request.name, request.args, origin, signal, request.id);
    return 'error' in result
      ? { error: result.error, retryable: result.retryable }
      : { output: result.output };
  }

  /** Slash commands' entry point: same pipeline, plus a human-readable `text`. Never throws. */
  run(name: string, rawArgs: unknown, origin: ToolRunOrigin, signal: AbortSignal): Promise<ToolRunResult> {
    return this.#run(name, rawArgs, origin, signal, undefined);
  }

  /** Aborts running calls (all, or one guild's): for /leave and shutdown. They answer with an error. */
  abortAll(reason: string, guildId?: string): void {
    for (const call of this.#inFlight) {
      if (guildId === undefined || call.guildId === guildId) {
        call.controller.abort(new StopReason(`It was cancelled (${reason}).`, true));
      }
    }
  }

  async #run(
    name: string,
    rawArgs: unknown,
    origin: ToolRunOrigin,
    signal: AbortSignal,
    id: string | undefined,
  ): Promise<ToolRunResult> {
    const started = this.#clock.now();
    const args = isRecord(rawArgs) ? rawArgs : {};
    const { result, cancelled } = await this.#execute(name, rawArgs, origin, signal);
    const record: ToolCallRecord = {
      name,
      args,
      origin,
      ...(id === undefined ? {} : { id }),
      outcome: !('error' in result) ? 'ok' : cancelled ? 'cancelled' : 'error',
      ...('error' in result ? { error: result.error } : { result: result.output }),
      durationMs: Math.round(this.#clock.now() - started),
    };
    this.#logger.debug(
      { tool: name, outcome: record.outcome, durationMs: record.durationMs, via: origin.via, pii: { args } },
      'tool call finished',
    );
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch (error) {
        this.#logger.error({ err: error, tool: name }, 'tool call listener failed');
      }
    }
    return result;
  }

  async #execute(
    name: string,
    rawArgs: unknown,
    origin: ToolRunOrigin,
    signal: AbortSignal,
  ): Promise<{ result: ToolRunResult; cancelled: boolean }> {
    const entry = this.#tools.get(name);
    if (!entry) return refused(`There is no tool named "${truncate(name, 64)}".`);
    const { tool } = entry;
    const parsed = tool.parameters.safeParse(rawArgs ?? {});
    if (!parsed.success)
      return refused(`Invalid arguments for ${name}: ${describeIssues(parsed.error.issues)}`);

    const controller = new AbortController();
    const call: InFlight = { controller, guildId: origin.guildId };
    const timeoutMs = tool.timeoutMs ?? this.#timeoutMs;
    const onCallerAbort = () => controller.abort(new StopReason('It was cancelled.', true));
    if (signal.aborted) onCallerAbort();
    else signal.addEventListener('abort', onCallerAbort, { once: true });
    const timer = this.#clock.setTimeout(
      () =>
        controller.abort(
          new StopReason(`It took longer than ${formatSeconds(timeoutMs)} and was stopped.`, false),
        ),
      timeoutMs,
    );
    // Settles first on abort, so a tool that ignores its signal cannot hold the call open.
    const stopped = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) reject(controller.signal.reason);
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    this.#inFlight.add(call);
    try {
      const ctx: ToolContext = {
        origin,
        signal: controller.signal,
        now: this.#wallClock,
        guild: this.#servicesFor(origin),
      };
      const output = await Promise.race([
        stopped,
        Promise.resolve().then(() => tool.execute(parsed.data, ctx)),
      ]);
      return { result: this.#success(tool, output, parsed.data), cancelled: false };
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      return {
        result: this.#failure(name, error, controller.signal),
        cancelled: reason instanceof StopReason && reason.cancelled,
      };
    } finally {
      this.#clock.clearTimeout(timer);
      signal.removeEventListener('abort', onCallerAbort);
      this.#inFlight.delete(call);
    }
  }

  #success(tool: AnyTool, rawOutput: unknown, args: Record<string, unknown>): ToolRunResult {
    const output = rawOutput === undefined ? 'Done.' : rawOutput;
    let json: string;
    try {
      json = JSON.stringify(output);
    } catch (error) {
      return this.#failure(tool.name, error, undefined);
    }
    const text = tool.formatResult ? tool.formatResult(output, args) : outputText(output);
    if (json.length <= this.#maxResultChars) return { output, text };
    const capped =
      typeof output === 'string'
        ? truncate(output, this.#maxResultChars)
        : { truncated: true, partialJson: truncate(json, this.#maxResultChars) };
    return { output: capped, text };
  }

  /** Only timeouts are worth a retry: the same arguments hit the same ToolError or bug again. */
  #failure(
    name: string,
    error: unknown,
    signal: AbortSignal | undefined,
  ): { error: string; retryable: boolean } {
    if (signal?.aborted && signal.reason instanceof StopReason) {
      return {
        error: `${name} did not finish: ${signal.reason.message}`,
        retryable: !signal.reason.cancelled,
      };
    }
    if (error instanceof ToolError)
      return { error: truncate(error.message, MAX_ERROR_CHARS), retryable: false };
    // The model only ever sees the fixed sentence: stacks and messages may hold secrets or paths.
    this.#logger.error({ err: error, tool: name, code: errorCode(error) }, 'tool failed unexpectedly');
    return { error: `${name} failed because of an internal error.`, retryable: false };
  }
}

/** A call refused before it ran: bad name or arguments, which a retry cannot fix. */
function refused(error: string): { result: ToolRunResult; cancelled: boolean } {
  return { result: { error, retryable: false }, cancelled: false };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
