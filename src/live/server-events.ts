// Gemini Live server messages into ordered typed events, each event checked against its own schema.
import { z } from 'zod';
import { base64ToPcm16 } from './pcm-base64.ts';
import type { LiveEvent, LiveUsage } from './protocol.ts';
import type { FunctionCallRequest } from './tool-port.ts';

/** An event the server sent in a shape we cannot act on; it is skipped, the rest of the frame is not. */
export interface InvalidServerEvent {
  /** Which event: 'message', 'toolCall', 'functionCall', 'part', 'usage', 'goAway', … */
  kind: string;
  /** The first schema complaint, with its path (never the offending value: it may be personal). */
  issue: string;
}

export type InvalidEventSink = (invalid: InvalidServerEvent) => void;

const tokenCount = z.number().int().nonnegative().optional();
/** Any non-array object: the SDK hands over its LiveServerMessage class, which z.record() refuses. */
const objectLike = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'expected an object',
);
const schemas = {
  message: objectLike,
  toolCall: z.object({ functionCalls: z.array(z.unknown()) }),
  functionCall: z.object({
    id: z.string().optional(),
    name: z.string().min(1),
    args: z.record(z.string(), z.unknown()).optional(),
  }),
  toolCallCancellation: z.object({ ids: z.array(z.string()) }),
  serverContent: objectLike,
  inputTranscription: z.object({ text: z.string(), finished: z.boolean().optional() }),
  outputTranscription: z.object({ text: z.string() }),
  modelTurn: z.object({ parts: z.array(z.unknown()).optional() }),
  part: z.object({ inlineData: z.object({ mimeType: z.string(), data: z.string() }).optional() }),
  flag: z.boolean().optional(),
  turnCompleteReason: z.string().optional(),
  usage: z.object({
    promptTokenCount: tokenCount,
    responseTokenCount: tokenCount,
    totalTokenCount: tokenCount,
    thoughtsTokenCount: tokenCount,
    toolUsePromptTokenCount: tokenCount,
    cachedContentTokenCount: tokenCount,
  }),
  sessionResumptionUpdate: z.object({ newHandle: z.string().optional(), resumable: z.boolean().optional() }),
  goAway: z.object({ timeLeft: z.string().optional() }),
};

/**
 * One server message as ordered events. Content (transcripts, audio, interruption) comes before
 * usage and turn completion, so a consumer never sees a turn end before its last words. Each
 * event (and each function call and part inside one) is validated on its own: an invalid one is
 * reported to `onInvalid` and skipped, and the valid events around it still come out.
 */
export function parseServerMessage(raw: unknown, onInvalid: InvalidEventSink): LiveEvent[] {
  const message = check(schemas.message, raw, 'message', onInvalid);
  if (!message) return [];
  const read = <T>(schema: z.ZodType<T>, value: unknown, kind: string): T | undefined =>
    value === undefined || value === null ? undefined : check(schema, value, kind, onInvalid);
  const events: LiveEvent[] = [];

  const toolCall = read(schemas.toolCall, message.toolCall, 'toolCall');
  const calls = (toolCall?.functionCalls ?? []).flatMap((entry): FunctionCallRequest[] => {
    const call = check(schemas.functionCall, entry, 'functionCall', onInvalid);
    return call ? [{ id: call.id ?? '', name: call.name, args: call.args ?? {} }] : [];
  });
  if (calls.length > 0) events.push({ type: 'toolCall', calls });
  const cancelled = read(schemas.toolCallCancellation, message.toolCallCancellation, 'toolCallCancellation');
  if (cancelled && cancelled.ids.length > 0)
    events.push({ type: 'toolCallCancellation', ids: cancelled.ids });

  const content = read(schemas.serverContent, message.serverContent, 'serverContent') ?? {};
  const input = read(schemas.inputTranscription, content.inputTranscription, 'inputTranscription');
  if (input?.text) {
    const { text, finished } = input;
    events.push(
      finished === undefined
        ? { type: 'inputTranscript', text }
        : { type: 'inputTranscript', text, finished },
    );
  }
  // Walk parts ourselves: the SDK's `.data` helper warns on mixed parts and joins them.
  for (const entry of read(schemas.modelTurn, content.modelTurn, 'modelTurn')?.parts ?? []) {
    const inline = check(schemas.part, entry, 'part', onInvalid)?.inlineData;
    if (inline?.data && inline.mimeType.startsWith('audio/pcm')) {
      events.push({ type: 'audio', samples: base64ToPcm16(inline.data) });
    }
  }
  const output = read(schemas.outputTranscription, content.outputTranscription, 'outputTranscription');
  if (output?.text) events.push({ type: 'outputTranscript', text: output.text });
  if (read(schemas.flag, content.interrupted, 'interrupted')) events.push({ type: 'interrupted' });
  if (read(schemas.flag, content.generationComplete, 'generationComplete')) {
    events.push({ type: 'generationComplete' });
  }
  const usage = read(schemas.usage, message.usageMetadata, 'usage');
  if (usage) events.push({ type: 'usage', ...toUsage(usage) });
  if (read(schemas.flag, content.turnComplete, 'turnComplete')) {
    const reason = read(schemas.turnCompleteReason, content.turnCompleteReason, 'turnCompleteReason');
    events.push(reason ? { type: 'turnComplete', reason } : { type: 'turnComplete' });
  }
  const update = read(
    schemas.sessionResumptionUpdate,
    message.sessionResumptionUpdate,
    'sessionResumptionUpdate',
  );
  // Only a handle marked resumable can be used to resume; others would be rejected.
  if (update?.resumable && update.newHandle)
    events.push({ type: 'resumptionHandle', handle: update.newHandle });
  const goAway = read(schemas.goAway, message.goAway, 'goAway');
  if (goAway) events.push({ type: 'goAway', timeLeftMs: parseDurationMs(goAway.timeLeft) });
  return events;
}

function check<T>(
  schema: z.ZodType<T>,
  value: unknown,
  kind: string,
  onInvalid: InvalidEventSink,
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const path = first?.path.length ? `${first.path.join('.')}: ` : '';
  onInvalid({ kind, issue: `${path}${first?.message ?? 'invalid'}` });
  return undefined;
}

function toUsage(usage: z.infer<typeof schemas.usage>): LiveUsage {
  const out: LiveUsage = {
    promptTokens: usage.promptTokenCount ?? 0,
    responseTokens: usage.responseTokenCount ?? 0,
    totalTokens: usage.totalTokenCount ?? 0,
  };
  if (usage.thoughtsTokenCount !== undefined) out.thoughtsTokens = usage.thoughtsTokenCount;
  if (usage.toolUsePromptTokenCount !== undefined) out.toolUsePromptTokens = usage.toolUsePromptTokenCount;
  if (usage.cachedContentTokenCount !== undefined) out.cachedTokens = usage.cachedContentTokenCount;
  return out;
}

/** Protobuf JSON duration ("50s", "1.5s") in ms; unknown formats count as 0 (act now). */
export function parseDurationMs(duration: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(duration ?? '');
  return match?.[1] ? Math.round(Number(match[1]) * 1000) : 0;
}
