// Answers a typed question (optionally with images) through generateContent, running tool calls.
import type {
  Content,
  GenerateContentConfig,
  GenerateContentResponse,
  GoogleGenAI,
  Part,
} from '@google/genai';
import { FunctionCallingConfigMode } from '@google/genai';
import { UserFacingError } from '../errors.ts';
import { bytesToBase64 } from './pcm-base64.ts';
import { buildTools } from './setup.ts';
import { functionResponsePayload, type ToolCallOrigin, type ToolPort } from './tool-port.ts';

export interface TextAnswerRequest {
  ai: GoogleGenAI;
  model: string;
  question: string;
  images?: { data: Uint8Array; mimeType: string }[];
  /** Earlier messages of the conversation, oldest first. */
  history?: { role: 'user' | 'model'; text: string }[];
  systemInstruction?: string;
  tools: ToolPort;
  origin: ToolCallOrigin;
  signal: AbortSignal;
  /** Rounds of function calls before the model must answer in words. */
  maxToolRounds?: number;
  /** The sentence when the API says the model is unknown or retired (404). */
  modelGoneMessage?: string;
}

/** The error code of an answer refused because the text model is unknown or retired. */
export const TEXT_MODEL_GONE_CODE = 'TEXT_MODEL_UNAVAILABLE';

/** Tool calls made on the way are reported by the tool registry itself (its onCall), not here. */
export interface TextAnswer {
  text: string;
}

const DEFAULT_MAX_TOOL_ROUNDS = 4;

export async function answerText(request: TextAnswerRequest): Promise<TextAnswer> {
  const contents: Content[] = (request.history ?? []).map((turn) => ({
    role: turn.role,
    parts: [{ text: turn.text }],
  }));
  contents.push({ role: 'user', parts: [{ text: request.question }, ...imageParts(request.images ?? [])] });
  const tools = buildTools(request.tools.declarations(), false, null);
  const maxRounds = request.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS;
  for (let round = 0; ; round++) {
    const config: GenerateContentConfig = { abortSignal: request.signal };
    if (request.systemInstruction) config.systemInstruction = request.systemInstruction;
    if (tools.length > 0) {
      config.tools = tools;
      // Out of rounds: the model must answer with what it has instead of calling again.
      if (round >= maxRounds)
        config.toolConfig = { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } };
    }
    const response = await generate(request, contents, config);
    const content = response.candidates?.[0]?.content;
    const calls = (content?.parts ?? []).flatMap((part) => (part.functionCall ? [part.functionCall] : []));
    if (calls.length === 0 || round >= maxRounds) return { text: textOf(content?.parts ?? []) };
    contents.push({ role: 'model', parts: content?.parts ?? [] });
    const responses: Part[] = [];
    for (const call of calls) {
      const name = call.name ?? '';
      const args = call.args ?? {};
      const result = await request.tools.call(
        { id: call.id ?? `text-${round}-${responses.length}`, name, args },
        request.origin,
        request.signal,
      );
      responses.push({
        functionResponse: {
          ...(call.id ? { id: call.id } : {}),
          name,
          response: functionResponsePayload(result),
        },
      });
    }
    contents.push({ role: 'user', parts: responses });
  }
}

async function generate(
  request: TextAnswerRequest,
  contents: Content[],
  config: GenerateContentConfig,
): Promise<GenerateContentResponse> {
  try {
    return await request.ai.models.generateContent({ model: request.model, contents, config });
  } catch (error) {
    // The sentences are for the person who asked; the cause (with details) goes to the log.
    if (request.signal.aborted) {
      throw new UserFacingError(
        'Sorry, that took too long to answer. Please try again.',
        'TEXT_ANSWER_ABORTED',
        {
          cause: error,
        },
      );
    }
    if ((error as { status?: number }).status === 404) {
      // "models/X is not found … or is not supported for generateContent": retired or unknown.
      throw new UserFacingError(
        request.modelGoneMessage ?? `The Gemini text model ${request.model} is not available.`,
        TEXT_MODEL_GONE_CODE,
        { cause: error },
      );
    }
    throw new UserFacingError(
      "Sorry, Gemini couldn't answer that right now. Please try again in a moment.",
      'TEXT_ANSWER_FAILED',
      { cause: error, retryable: true },
    );
  }
}

function imageParts(images: readonly { data: Uint8Array; mimeType: string }[]): Part[] {
  return images.map((image) => ({
    inlineData: {
      mimeType: image.mimeType,
      data: bytesToBase64(image.data),
    },
  }));
}

/** Joins the text parts ourselves: the SDK's `.text` helper warns when parts are mixed. */
function textOf(parts: readonly Part[]): string {
  return parts
    .filter((part) => typeof part.text === 'string' && !part.thought)
    .map((part) => part.text)
    .join('')
    .trim();
}
