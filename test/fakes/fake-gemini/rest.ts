// The fake's generateContent REST route: scripted answers, every request recorded.
import type { IncomingMessage, ServerResponse } from 'node:http';

type Part = Record<string, unknown> & {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
  functionCall?: { id?: string; name?: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name?: string; response?: Record<string, unknown> };
};

export interface RecordedRequest {
  model: string;
  body: { contents?: { role?: string; parts?: Part[] }[]; tools?: unknown[]; [key: string]: unknown };
}

export type RestAnswer =
  | { text: string }
  | { functionCalls: { name: string; args?: Record<string, unknown>; id?: string }[] }
  | { status: number; message: string }
  | ((request: RecordedRequest) => RestAnswer);

const ROUTE = /\/v1beta\/models\/([^/:]+):generateContent$/;

export class FakeGenerateContent {
  readonly requests: RecordedRequest[] = [];
  readonly #queue: RestAnswer[] = [];
  readonly #apiKey: string;
  /** Used when the queue is empty. */
  defaultAnswer: RestAnswer = { text: 'Fake answer.' };

  constructor(apiKey: string) {
    this.#apiKey = apiKey;
  }

  /** Queues answers for the next requests, in order. */
  reply(...answers: RestAnswer[]): void {
    this.#queue.push(...answers);
  }

  /** All parts the client sent in a request (for images, function responses, history). */
  static parts(request: RecordedRequest): Part[] {
    return (request.body.contents ?? []).flatMap((content) => content.parts ?? []);
  }

  /** Returns false when the path is not ours (the server answers 404 then). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const match = ROUTE.exec((request.url ?? '').split('?')[0] ?? '');
    if (request.method !== 'POST' || !match?.[1]) return false;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.headers['x-goog-api-key'] !== this.#apiKey) {
      respond(
        response,
        400,
        error(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT'),
      );
      return true;
    }
    const recorded: RecordedRequest = {
      model: decodeURIComponent(match[1]),
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
    };
    this.requests.push(recorded);
    let answer = this.#queue.shift() ?? this.defaultAnswer;
    while (typeof answer === 'function') answer = answer(recorded);
    if ('status' in answer) {
      respond(response, answer.status, error(answer.status, answer.message, 'INTERNAL'));
      return true;
    }
    const parts =
      'text' in answer
        ? [{ text: answer.text }]
        : answer.functionCalls.map((call) => ({
            functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: call.args ?? {} },
          }));
    respond(response, 200, {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
      modelVersion: recorded.model,
    });
    return true;
  }
}

function error(code: number, message: string, status: string) {
  return { error: { code, message, status } };
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
