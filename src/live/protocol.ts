// Pure Live protocol types: the typed events server messages become (parsing: server-events.ts; setup: setup.ts).
import { GEMINI_INPUT_RATE_HZ } from '../audio/pcm.ts';
import type { FunctionCallRequest } from './tool-port.ts';

export const INPUT_MIME_TYPE = `audio/pcm;rate=${GEMINI_INPUT_RATE_HZ}`;

export interface LiveUsage {
  promptTokens: number;
  responseTokens: number;
  totalTokens: number;
  thoughtsTokens?: number;
  toolUsePromptTokens?: number;
  cachedTokens?: number;
}

export type LiveEvent =
  /** 24 kHz mono PCM16 from the model. */
  | { type: 'audio'; samples: Int16Array }
  | { type: 'inputTranscript'; text: string; finished?: boolean }
  | { type: 'outputTranscript'; text: string }
  | { type: 'interrupted' }
  | { type: 'generationComplete' }
  | { type: 'turnComplete'; reason?: string }
  | { type: 'toolCall'; calls: FunctionCallRequest[] }
  | { type: 'toolCallCancellation'; ids: string[] }
  | { type: 'goAway'; timeLeftMs: number }
  | { type: 'resumptionHandle'; handle: string }
  | ({ type: 'usage' } & LiveUsage);

export type LiveEventType = LiveEvent['type'];
