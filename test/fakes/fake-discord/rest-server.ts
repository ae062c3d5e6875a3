// The fake REST API: node:http with route templates, a recording of every call, and a 429 injector.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Json } from './payloads.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json | null;
  files: UploadedFile[];
  authorized: boolean;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  contentType?: string;
}

export interface RestCall {
  method: string;
  path: string;
  /** The matched route template, e.g. 'POST /channels/:channel/messages'; 'UNKNOWN' for 404s. */
  route: string;
  query: string;
  body: Json | null;
  files: Array<Omit<UploadedFile, 'data'> & { size: number }>;
  status: number;
  /** performance.now() ms when the request arrived. */
  timeMs: number;
}

export interface RateLimitInjection {
  /** Route template as recorded, e.g. 'POST /channels/:channel/messages'. */
  route: string;
  /** How many consecutive calls get a 429 (default 1). */
  count?: number;
  retryAfterMs?: number;
  /** Answer with this server error (e.g. 500, 502) instead of a 429. */
  status?: number;
}

type Handler = (req: RestRequest) => RestResponse | Promise<RestResponse>;

interface RouteEntry {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  /** False for interaction callbacks and webhooks, which Discord accepts without a bot token. */
  auth: boolean;
}

const API_PREFIX = /^\/api(\/v\d+)?/;

export class RestServer {
  readonly calls: RestCall[] = [];
  readonly #routes: RouteEntry[] = [];
  readonly #limits: Array<Required<RateLimitInjection>> = [];
  readonly #token: string;
  #server: Server | null = null;
  #origin = '';

  constructor(token: string) {
    this.#token = token;
  }

  /** http://127.0.0.1:PORT */
  get origin(): string {
    return this.#origin;
  }

  route(method: string, template: string, handler: Handler, auth = true): void {
    const keys: string[] = [];
    const source = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.#routes.push({ method, template, pattern: new RegExp(`^${source}$`), keys, handler, auth });
  }

  /** The next `count` calls to `route` answer 429 with retry_after (global: false), or `status`. */
  inject429(injection: RateLimitInjection): void {
    this.#limits.push({ count: 1, retryAfterMs: 500, status: 0, ...injection });
  }

  /** Calls whose route is 'UNKNOWN' (answered 404). */
  get unknown(): RestCall[] {
    return this.calls.filter((c) => c.route === 'UNKNOWN');
  }

  callsTo(route: string): RestCall[] {
    return this.calls.filter((c) => c.route === route);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error), code: 0 }));
      });
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const timeMs = performance.now();
    const url = new URL(req.url ?? '/', this.#origin);
    const path = url.pathname.replace(API_PREFIX, '');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const { body, files } = await parseBody(raw, String(req.headers['content-type'] ?? ''));
    let route = 'UNKNOWN';
    let response: RestResponse = { status: 404, body: { message: '404: Not Found', code: 0 } };
    for (const entry of this.#routes) {
      const match = entry.method === method ? entry.pattern.exec(path) : null;
      if (!match) continue;
      route = `${method} ${entry.template}`;
      const params = Object.fromEntries(
        entry.keys.map((k, i) => [k, decodeURIComponent(match[i + 1] ?? '')]),
      );
      const authorized = req.headers.authorization === `Bot ${this.#token}`;
      const limit = this.#limits.find((l) => l.route === route && l.count > 0);
      if (limit) {
        limit.count--;
        response = limit.status
          ? { status: limit.status, body: { message: `${limit.status}: Server Error`, code: 0 } }
          : rateLimited(limit.retryAfterMs);
      } else if (entry.auth && !authorized) {
        response = { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      } else {
        response = await entry.handler({
          method,
          path,
          params,
          query: url.searchParams,
          body,
          files,
          authorized,
        });
      }
      break;
    }
    this.calls.push({
      method,
      path,
      route,
      query: url.search,
      body,
      files: files.map(({ data, ...f }) => ({ ...f, size: data.length })),
      status: response.status,
      timeMs,
    });
    // A 204 must carry no JSON content-type: @discordjs/rest would try to parse the empty body.
    const headers: Record<string, string> =
      response.body === undefined ? {} : { 'content-type': response.contentType ?? 'application/json' };
    if (response.status === 429) {
      const seconds = String((response.body as { retry_after: number }).retry_after);
      Object.assign(headers, {
        'retry-after': seconds,
        'x-ratelimit-limit': '1',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': seconds,
        'x-ratelimit-scope': 'user',
      });
    }
    res.writeHead(response.status, headers);
    if (response.body === undefined || response.status === 204) res.end();
    else if (Buffer.isBuffer(response.body)) res.end(response.body);
    else res.end(JSON.stringify(response.body));
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function rateLimited(retryAfterMs: number): RestResponse {
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: retryAfterMs / 1000, global: false },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON bodies, or multipart bodies with payload_json plus files (as discord.js uploads them). */
async function parseBody(
  raw: Buffer,
  contentType: string,
): Promise<{ body: Json | null; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  if (!contentType.startsWith('multipart/form-data')) {
    return { body: JSON.parse(raw.toString('utf8')) as Json, files: [] };
  }
  const form = await new Request('http://fake/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  }).formData();
  let body: Json | null = null;
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') body = JSON.parse(value) as Json;
    } else {
      files.push({
        field,
        filename: value.name,
        contentType: value.type,
        data: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
  return { body, files };
}
