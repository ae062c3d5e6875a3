// A fake Gemini API on 127.0.0.1: the Live WebSocket (as the real server behaves) plus generateContent.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { waitForEvent } from '../../helpers/wait.ts';
import { FakeLiveConnection } from './live-connection.ts';
import type { ClientMessage } from './live-messages.ts';
import { FakeLogicalSession } from './logical-session.ts';
import { DEFAULT_CATALOG, type FakeModel, refuseSetup } from './models.ts';
import { FakeGenerateContent } from './rest.ts';

export { FakeLiveConnection } from './live-connection.ts';
export type { ClientMessage, FunctionResponse, SendAudioOptions } from './live-messages.ts';
export { FakeLogicalSession } from './logical-session.ts';
export { DEFAULT_CATALOG, type FakeLiveRules, type FakeModel } from './models.ts';
export { FakeGenerateContent, type RecordedRequest, type RestAnswer } from './rest.ts';
export { runScript, tone } from './script.ts';
export type { TurnEnd } from './turn-detector.ts';

export interface FakeGeminiOptions {
  apiKey: string;
  /**
   * Live model names (without `models/`) that exist; omitted = every Live model not in the catalog
   * is accepted with no rules of its own.
   */
  knownModels?: string[];
  /** The models the API lists, with their methods and Live rules; default DEFAULT_CATALOG. */
  catalog?: readonly FakeModel[];
  /** Send a resumable handle right after setupComplete when the client asked for resumption. */
  autoHandles?: boolean;
  /**
   * Refuse a resume while another socket of the same session is still open (the real server can).
   * Closed with 1011 so a well-behaved client simply retries.
   */
  rejectResumeWhileOpen?: boolean;
  /** Simulated server time (ms) between receiving setup and sending setupComplete. */
  setupLatencyMs?: number;
}

type SetupPolicy =
  | { kind: 'reject'; code: number; reason: string }
  | { kind: 'ignore' }
  | { kind: 'closeAfterSetup'; code: number; reason: string };

const PATH_SUFFIX = 'GenerativeService.BidiGenerateContent';

export class FakeGemini extends EventEmitter {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly connections: FakeLiveConnection[] = [];
  readonly sessions: FakeLogicalSession[] = [];
  readonly rest: FakeGenerateContent;
  readonly #options: FakeGeminiOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #policies: { policy: SetupPolicy; remaining: number }[] = [];
  readonly #onAccepted: ((connection: FakeLiveConnection) => void)[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #catalog: FakeModel[];
  /** Shut down by Google: gone from models.list/get, 404 on generateContent, 1008 on Live setup. */
  readonly #retired = new Set([
    'gemini-2.5-flash',
    'gemini-2.0-flash-live-001',
    'gemini-live-2.5-flash-preview',
  ]);
  #taken = 0;
  /** Simulated server time (ms) between setup and setupComplete; may be changed between connections. */
  setupLatencyMs: number;

  constructor(options: FakeGeminiOptions, http: Server, wss: WebSocketServer) {
    super();
    this.#options = options;
    this.apiKey = options.apiKey;
    this.#http = http;
    this.#wss = wss;
    this.#catalog = [...(options.catalog ?? DEFAULT_CATALOG)];
    this.rest = new FakeGenerateContent(
      options.apiKey,
      (name) => this.model(name),
      () => this.models,
    );
    this.setupLatencyMs = options.setupLatencyMs ?? 0;
    this.baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    wss.on('connection', (socket, request) => this.#accept(socket, request));
  }

  /** The next connection not yet returned by this method (connections are handed out in order). */
  async nextConnection(timeoutMs = 5_000): Promise<FakeLiveConnection> {
    const index = this.#taken;
    const connection = await waitForEvent(
      this,
      'update',
      () => this.connections[index],
      timeoutMs,
      `connection #${index + 1}`,
    );
    this.#taken = index + 1;
    return connection;
  }

  /** Like nextConnection, but also waits until its setup was accepted (setupComplete sent). */
  async nextSession(timeoutMs = 5_000): Promise<FakeLiveConnection> {
    const connection = await this.nextConnection(timeoutMs);
    await connection.waitFor(() => connection.session, 'setup to be accepted', timeoutMs);
    return connection;
  }

  /** The next `times` setups are answered by closing with `code` (e.g. 1007 bad key, 1008 unknown model). */
  rejectSetup(code: number, reason: string, times = 1): void {
    this.#policies.push({ policy: { kind: 'reject', code, reason }, remaining: times });
  }

  /** The next `times` setups get no answer at all. */
  ignoreSetup(times = 1): void {
    this.#policies.push({ policy: { kind: 'ignore' }, remaining: times });
  }

  /** The next `times` setups are accepted, then the socket is closed at once (a 1011 storm). */
  closeAfterSetup(code: number, reason: string, times = 1): void {
    this.#policies.push({ policy: { kind: 'closeAfterSetup', code, reason }, remaining: times });
  }

  /** The catalog entry of a model that is still offered (undefined when unknown or retired). */
  model(name: string): FakeModel | undefined {
    const bare = name.replace(/^models\//, '');
    if (this.#retired.has(bare)) return undefined;
    return this.#catalog.find((model) => model.name === bare);
  }

  /** Every model still offered, as models.list shows them. */
  get models(): readonly FakeModel[] {
    return this.#catalog.filter((model) => !this.#retired.has(model.name));
  }

  /** Google shuts a model down: from now on it is gone from the list, REST and Live setups. */
  retireModel(name: string): void {
    this.#retired.add(name);
  }

  /** Runs for every accepted connection, right after setupComplete (e.g. to play a script). */
  onSession(handler: (connection: FakeLiveConnection) => void): void {
    this.#onAccepted.push(handler);
  }

  /** Terminates every server-side socket (close() alone leaves clients open), then the server. */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const connection = new FakeLiveConnection(this.connections.length + 1, url.pathname, socket);
    const keyOk = url.searchParams.get('key') === this.apiKey;
    this.connections.push(connection);
    socket.on('message', (data: Buffer) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(data.toString('utf8'));
      } catch {
        socket.close(1007, 'Invalid JSON payload received.');
        return;
      }
      const isFirst = connection.messages.length === 0;
      connection.record(message);
      if (!isFirst) return;
      if (this.setupLatencyMs <= 0) return this.#onSetup(connection, message, keyOk);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (connection.isOpen) this.#onSetup(connection, message, keyOk);
      }, this.setupLatencyMs);
      this.#timers.add(timer);
    });
    connection.on('update', () => this.emit('update'));
    this.emit('update');
  }

  #onSetup(connection: FakeLiveConnection, message: ClientMessage, keyOk: boolean): void {
    const setup = message.setup;
    if (!setup) {
      connection.close(1007, 'Request must start with a setup message.');
      return;
    }
    connection.setup = setup;
    if (!keyOk) {
      connection.close(1007, 'API key not valid. Please pass a valid API key.');
      return;
    }
    const model = String(setup.model ?? '').replace(/^models\//, '');
    const entry = this.model(model);
    const offered = entry
      ? entry.supportedGenerationMethods.includes('bidiGenerateContent')
      : !this.#retired.has(model) && !this.#catalog.some((known) => known.name === model);
    if (!offered || (this.#options.knownModels && !this.#options.knownModels.includes(model))) {
      // The real reason goes on ("Call ListModels …") and is cut at 123 bytes by close().
      connection.close(
        1008,
        `models/${model} is not found for API version v1beta, or is not supported for bidiGenerateContent. Call ListModels to see the list of available models and their supported methods.`,
      );
      return;
    }
    if (entry?.live) {
      const refusal = refuseSetup(entry.live, setup);
      if (refusal) {
        connection.close(refusal.code, refusal.reason);
        return;
      }
      connection.rules = entry.live;
    }
    const policy = this.#takePolicy();
    if (policy?.kind === 'reject') {
      connection.close(policy.code, policy.reason);
      return;
    }
    if (policy?.kind === 'ignore') return;
    const resumption = setup.sessionResumption as { handle?: string } | undefined;
    let session: FakeLogicalSession | undefined;
    if (resumption?.handle) {
      session = this.sessions.find((known) => known.handles.includes(resumption.handle ?? ''));
      if (!session) {
        connection.close(1007, 'Invalid session resumption handle.');
        return;
      }
      const stillOpen = session.connections.some((other) => other.isOpen);
      if (stillOpen && (this.#options.rejectResumeWhileOpen ?? true)) {
        connection.close(1011, 'Session is still attached to another connection.');
        return;
      }
    } else {
      session = new FakeLogicalSession(this.sessions.length + 1);
      this.sessions.push(session);
    }
    session.connections.push(connection);
    connection.turns.configure(setup);
    connection.session = session;
    connection.send({ setupComplete: {} });
    if (resumption && (this.#options.autoHandles ?? true)) connection.sendResumptionHandle();
    connection.emit('update');
    if (policy?.kind === 'closeAfterSetup') {
      connection.close(policy.code, policy.reason);
      return;
    }
    for (const handler of this.#onAccepted) handler(connection);
  }

  #takePolicy(): SetupPolicy | undefined {
    const head = this.#policies[0];
    if (!head) return undefined;
    head.remaining--;
    if (head.remaining <= 0) this.#policies.shift();
    return head.policy;
  }
}

/** Starts the fake on 127.0.0.1 with an ephemeral port; `stop()` it in afterEach/afterAll. */
export async function startFakeGemini(options: FakeGeminiOptions): Promise<FakeGemini> {
  const wss = new WebSocketServer({ noServer: true });
  let gemini: FakeGemini | undefined;
  const http = createServer((request, response) => {
    void (async () => {
      if (!(await gemini?.rest.handle(request, response))) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } }));
      }
    })();
  });
  http.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (!path.endsWith(PATH_SUFFIX)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  gemini = new FakeGemini(options, http, wss);
  return gemini;
}
