// The fake's REST routes: models list/get from the catalog, and generateContent with scripted answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeModel } from './models.ts';

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
const MODEL_ROUTE = /\/v1beta\/models\/([^/:]+)$/;
const LIST_ROUTE = /\/v1beta\/models$/;

export class FakeGenerateContent {
  readonly requests: RecordedRequest[] = [];
  readonly #queue: RestAnswer[] = [];
  readonly #apiKey: string;
  readonly #model: (name: string) => FakeModel | undefined;
  readonly #models: () => readonly FakeModel[];
  /** Used when the queue is empty. */
  defaultAnswer: RestAnswer = { text: 'Fake answer.' };
  /** Every models.get / models.list path asked for, in order. */
  readonly modelLookups: string[] = [];

  constructor(
    apiKey: string,
    model: (name: string) => FakeModel | undefined,
    models: () => readonly FakeModel[],
  ) {
    this.#apiKey = apiKey;
    this.#model = model;
    this.#models = models;
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
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (request.method === 'GET' && (MODEL_ROUTE.test(path) || LIST_ROUTE.test(path))) {
      this.#lookup(request, response, path);
      return true;
    }
    const match = ROUTE.exec(path);
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
    if (!this.#model(recorded.model)?.supportedGenerationMethods.includes('generateContent')) {
      respond(response, 404, error(404, notFound(recorded.model, 'generateContent'), 'NOT_FOUND'));
      return true;
    }
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

  /** GET models/{name} and GET models (one page holds the whole catalog). */
  #lookup(request: IncomingMessage, response: ServerResponse, path: string): void {
    this.modelLookups.push(path);
    const key =
      request.headers['x-goog-api-key'] ?? new URL(request.url ?? '/', 'http://x').searchParams.get('key');
    if (key !== this.#apiKey) {
      respond(
        response,
        400,
        error(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT'),
      );
      return;
    }
    const name = MODEL_ROUTE.exec(path)?.[1];
    if (name === undefined) {
      respond(response, 200, { models: this.#models().map(modelJson) });
      return;
    }
    const model = this.#model(decodeURIComponent(name));
    if (!model) {
      respond(
        response,
        404,
        error(404, `models/${decodeURIComponent(name)} is not found for API version v1beta.`, 'NOT_FOUND'),
      );
      return;
    }
    respond(response, 200, modelJson(model));
  }
}

function modelJson(model: FakeModel) {
  return {
    name: `models/${model.name}`,
    displayName: model.displayName,
    version: '001',
    supportedGenerationMethods: [...model.supportedGenerationMethods],
  };
}

/** Google's wording for a model that is gone or does not offer the method. */
function notFound(model: string, method: string): string {
  return `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`;
}

function error(code: number, message: string, status: string) {
  return { error: { code, message, status } };
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
