// The LiveSession's public shapes: states, events, counters and constructor options.
import type { GoogleGenAI, Session } from '@google/genai';
import type { Clock } from '../clock.ts';
import type { BotError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { LiveEvent } from './protocol.ts';
import type { RetryPolicy } from './retry-budget.ts';
import type { InvalidServerEvent } from './server-events.ts';
import type { LiveSettings } from './settings.ts';
import type { ToolCallOrigin, ToolPort } from './tool-port.ts';
import type { ToolCallFinished, ToolCallStarted } from './tool-runner.ts';
import type { UplinkStats } from './uplink.ts';

export type CloseReason =
  | { kind: 'user' }
  | { kind: 'goAway' }
  | { kind: 'socket'; code: number; reason: string }
  | { kind: 'fatal'; error: BotError };

export type LiveState =
  | { status: 'idle' }
  | { status: 'connecting'; attempt: number }
  | { status: 'ready'; session: Session; since: number; resumed: boolean }
  | { status: 'reconnecting'; reason: CloseReason; attempt: number }
  | { status: 'closed'; reason: CloseReason };

export type LiveStatus = LiveState['status'];

export interface Reconnected {
  reason: CloseReason;
  /** True when the server accepted our handle (the conversation continues). */
  resumed: boolean;
  /** From losing the old socket to the new one being ready (ms). */
  durationMs: number;
}

export type LiveSessionEvents = { [K in LiveEvent['type']]: [event: Extract<LiveEvent, { type: K }>] } & {
  stateChange: [oldState: LiveState, newState: LiveState];
  toolCallStarted: [call: ToolCallStarted];
  toolCallFinished: [call: ToolCallFinished];
  handle: [handle: string];
  fatal: [error: BotError];
  reconnected: [info: Reconnected];
  /** A server event in a shape we cannot act on was skipped (the rest of its frame was not). */
  invalidEvent: [invalid: InvalidServerEvent];
};

export interface ReconnectCounters {
  reconnects: number;
  /** Sessions restarted without a handle (context exhausted or handle refused). */
  freshSessions: number;
  lastReconnectMs: number | null;
  maxReconnectMs: number;
}

export interface LiveCounters extends UplinkStats, ReconnectCounters {}

export interface LiveSessionOptions {
  /** Built by the caller with `apiVersion: 'v1beta'` and `httpOptions.baseUrl`. */
  ai: GoogleGenAI;
  settings: LiveSettings;
  tools: ToolPort;
  origin: ToolCallOrigin;
  logger: Logger;
  resumeHandle?: string;
  retry?: Partial<RetryPolicy>;
  /** The SDK has no connect timeout; this bounds open + setup (ms). */
  connectTimeoutMs?: number;
  /** The guild's sentence when Gemini says the model is unknown or retired (one for setup and later). */
  modelGoneMessage?: string;
  clock?: Clock;
  random?: () => number;
}
