// Pure Live protocol: server messages into ordered typed events (setup building is in setup.ts).
import type { LiveServerMessage } from '@google/genai';
import { GEMINI_INPUT_RATE_HZ } from '../audio/pcm.ts';
import { base64ToPcm16 } from './pcm-base64.ts';
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

/**
 * One server message as ordered events. Content (transcripts, audio, interruption) comes before
 * usage and turn completion, so a consumer never sees a turn end before its last words.
 */
export function parseServerMessage(message: LiveServerMessage): LiveEvent[] {
  const events: LiveEvent[] = [];
  const calls = message.toolCall?.functionCalls;
  if (calls && calls.length > 0) {
    events.push({
      type: 'toolCall',
      calls: calls.map((call) => ({ id: call.id ?? '', name: call.name ?? '', args: call.args ?? {} })),
    });
  }
  const cancelled = message.toolCallCancellation?.ids;
  if (cancelled && cancelled.length > 0) events.push({ type: 'toolCallCancellation', ids: [...cancelled] });
  const content = message.serverContent;
  if (content?.inputTranscription?.text) {
    const { text, finished } = content.inputTranscription;
    events.push(
      finished === undefined
        ? { type: 'inputTranscript', text }
        : { type: 'inputTranscript', text, finished },
    );
  }
  // Walk parts ourselves: the SDK's `.data` helper warns on mixed parts and joins them.
  for (const part of content?.modelTurn?.parts ?? []) {
    const inline = part.inlineData;
    if (inline?.data && (inline.mimeType ?? '').startsWith('audio/pcm')) {
      events.push({ type: 'audio', samples: base64ToPcm16(inline.data) });
    }
  }
  if (content?.outputTranscription?.text) {
    events.push({ type: 'outputTranscript', text: content.outputTranscription.text });
  }
  if (content?.interrupted) events.push({ type: 'interrupted' });
  if (content?.generationComplete) events.push({ type: 'generationComplete' });
  const usage = message.usageMetadata;
  if (usage) events.push(parseUsage(usage));
  if (content?.turnComplete) {
    const reason = content.turnCompleteReason;
    events.push(reason ? { type: 'turnComplete', reason: String(reason) } : { type: 'turnComplete' });
  }
  const update = message.sessionResumptionUpdate;
  // Only a handle marked resumable can be used to resume; others would be rejected.
  if (update?.resumable && update.newHandle)
    events.push({ type: 'resumptionHandle', handle: update.newHandle });
  if (message.goAway) events.push({ type: 'goAway', timeLeftMs: parseDurationMs(message.goAway.timeLeft) });
  return events;
}

function parseUsage(usage: NonNullable<LiveServerMessage['usageMetadata']>): LiveEvent {
  const event: LiveEvent = {
    type: 'usage',
    promptTokens: usage.promptTokenCount ?? 0,
    responseTokens: usage.responseTokenCount ?? 0,
    totalTokens: usage.totalTokenCount ?? 0,
  };
  if (usage.thoughtsTokenCount !== undefined) event.thoughtsTokens = usage.thoughtsTokenCount;
  if (usage.toolUsePromptTokenCount !== undefined) event.toolUsePromptTokens = usage.toolUsePromptTokenCount;
  if (usage.cachedContentTokenCount !== undefined) event.cachedTokens = usage.cachedContentTokenCount;
  return event;
}

/** Protobuf JSON duration ("50s", "1.5s") in ms; unknown formats count as 0 (act now). */
export function parseDurationMs(duration: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(duration ?? '');
  return match?.[1] ? Math.round(Number(match[1]) * 1000) : 0;
}
