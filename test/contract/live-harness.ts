// Shared contract-test harness: the real @google/genai client pointed at the fake, a recording ToolPort.

import type { EventEmitter } from 'node:events';
import { GoogleGenAI } from '@google/genai';
import { LiveSession, type LiveSessionOptions } from '../../src/live/session.ts';
import { DEFAULT_LIVE_SETTINGS, type LiveSettings } from '../../src/live/settings.ts';
import type {
  FunctionCallRequest,
  FunctionCallResult,
  FunctionDeclarationSpec,
  ToolCallOrigin,
  ToolPort,
} from '../../src/live/tool-port.ts';
import { createLogger } from '../../src/log.ts';
import type { FakeGemini } from '../fakes/fake-gemini/index.ts';

export const API_KEY = 'fake-key-0123456789abcdef';

export const ORIGIN: ToolCallOrigin = { guildId: 'g1', channelId: 'c1', userId: 'u1', via: 'live' };

export function makeAi(gemini: FakeGemini, apiKey = API_KEY): GoogleGenAI {
  return new GoogleGenAI({ apiKey, apiVersion: 'v1beta', httpOptions: { baseUrl: gemini.baseUrl } });
}

type Handler = (args: Record<string, unknown>, signal: AbortSignal) => Promise<FunctionCallResult>;

/** A ToolPort that records every call (with its origin and signal) and runs per-name handlers. */
export class RecordingToolPort implements ToolPort {
  readonly calls: { request: FunctionCallRequest; origin: ToolCallOrigin; signal: AbortSignal }[] = [];
  readonly #specs: FunctionDeclarationSpec[];
  readonly #handlers: Record<string, Handler>;

  constructor(specs: FunctionDeclarationSpec[] = [], handlers: Record<string, Handler> = {}) {
    this.#specs = specs;
    this.#handlers = handlers;
  }

  declarations(): FunctionDeclarationSpec[] {
    return this.#specs;
  }

  async call(
    request: FunctionCallRequest,
    origin: ToolCallOrigin,
    signal: AbortSignal,
  ): Promise<FunctionCallResult> {
    this.calls.push({ request, origin, signal });
    const handler = this.#handlers[request.name];
    if (!handler) return { error: `Unknown tool ${request.name}.`, retryable: false };
    return handler(request.args, signal);
  }
}

export const GET_TIME: FunctionDeclarationSpec = {
  name: 'get_time',
  description: 'Current time in a time zone',
  parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
};

export function makeSession(
  gemini: FakeGemini,
  overrides: Partial<Omit<LiveSessionOptions, 'settings'>> & { settings?: Partial<LiveSettings> } = {},
): LiveSession {
  const { settings, ...rest } = overrides;
  return new LiveSession({
    ai: makeAi(gemini),
    settings: { ...DEFAULT_LIVE_SETTINGS, ...settings },
    tools: new RecordingToolPort(),
    origin: ORIGIN,
    logger: createLogger({ level: 'silent', secrets: [API_KEY] }),
    connectTimeoutMs: 2_000,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...rest,
  });
}

/** Resolves with the next emission of `event` (its first argument), or fails after `timeoutMs`. */
export function nextEvent<T>(emitter: EventEmitter, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onEvent = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    emitter.once(event, onEvent);
  });
}

/** A ramp that never repeats within 65536 samples: any loss, duplicate or reorder changes it. */
export function ramp(start: number, length: number): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = ((start + i) % 65_536) - 32_768;
  return out;
}
