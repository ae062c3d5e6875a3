// Runs Gemini's function calls through the ToolPort, each with an AbortSignal cancellation can fire.
import {
  type FunctionCallRequest,
  type FunctionCallResult,
  functionResponsePayload,
  type ResponseScheduling,
  type ToolCallOrigin,
  type ToolPort,
} from './tool-port.ts';

export interface ToolCallStarted {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface ToolCallFinished extends ToolCallStarted {
  /** What Gemini was sent; absent when the call was cancelled (nothing is sent then). */
  result?: FunctionCallResult;
  cancelled: boolean;
  durationMs: number;
}

export interface ToolRunnerOptions {
  tools: ToolPort;
  origin: ToolCallOrigin;
  now(): number;
  onStarted(call: ToolCallStarted): void;
  onFinished(call: ToolCallFinished): void;
  /** The scheduling a response of this function carries, if the model takes one for it. */
  schedulingFor(name: string, ok: boolean): ResponseScheduling | undefined;
  /** Sends the function response back to Gemini (with the call's id and name). */
  respond(id: string, name: string, response: Record<string, unknown>, scheduling?: ResponseScheduling): void;
}

/** What Gemini reads when a tool broke the ToolPort promise and threw. */
const GENERIC_FAILURE: FunctionCallResult = { error: 'The tool failed unexpectedly.', retryable: false };

export class ToolRunner {
  readonly #options: ToolRunnerOptions;
  readonly #running = new Map<string, AbortController>();

  constructor(options: ToolRunnerOptions) {
    this.#options = options;
  }

  run(calls: readonly FunctionCallRequest[]): void {
    for (const call of calls) void this.#runOne(call);
  }

  /** Aborts the named calls; their results are never sent (the server dropped them). */
  cancel(ids: readonly string[]): void {
    for (const id of ids) this.#running.get(id)?.abort(new Error('tool call cancelled by Gemini'));
  }

  abortAll(): void {
    for (const controller of this.#running.values()) controller.abort(new Error('live session closed'));
  }

  get inFlight(): number {
    return this.#running.size;
  }

  async #runOne(call: FunctionCallRequest): Promise<void> {
    const controller = new AbortController();
    this.#running.set(call.id, controller);
    const startedAt = this.#options.now();
    const info = { id: call.id, name: call.name, args: call.args };
    this.#options.onStarted(info);
    let result: FunctionCallResult;
    try {
      result = await this.#options.tools.call(call, this.#options.origin, controller.signal);
    } catch {
      result = GENERIC_FAILURE;
    } finally {
      this.#running.delete(call.id);
    }
    const durationMs = Math.round(this.#options.now() - startedAt);
    if (controller.signal.aborted) {
      this.#options.onFinished({ ...info, cancelled: true, durationMs });
      return;
    }
    this.#options.respond(
      call.id,
      call.name,
      functionResponsePayload(result),
      this.#options.schedulingFor(call.name, !('error' in result)),
    );
    this.#options.onFinished({ ...info, result, cancelled: false, durationMs });
  }
}
