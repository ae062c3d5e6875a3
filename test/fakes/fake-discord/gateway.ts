// The fake main gateway (v10, JSON): hello, heartbeats, identify/resume, intent-filtered dispatches, shards.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { waitForEvent } from '../../helpers/wait.ts';
import { shardOf } from './ids.ts';
import type { Json } from './payloads.ts';

export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildVoiceStates: 1 << 7,
  GuildMessages: 1 << 9,
  MessageContent: 1 << 15,
} as const;

export interface GatewaySession {
  sessionId: string;
  shard: [number, number];
  intents: number;
  ws: WebSocket | null;
  seq: number;
  /** Every payload the client sent on this session. */
  received: Json[];
}

/** Discord: one identify per max_concurrency bucket per 5 s. */
const IDENTIFY_BUCKET_MS = 5_000;

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  maxConcurrency: number;
  fail: (message: string) => void;
  /** Payloads to send after READY (GUILD_CREATEs) for a shard. */
  onIdentify: (session: GatewaySession) => { ready: Json; guildCreates: Json[] };
  /** Op 4 from the client, already checked for shard routing. */
  onVoiceStateRequest: (session: GatewaySession, d: Json) => void;
}

export class GatewayServer extends EventEmitter {
  readonly #options: GatewayOptions;
  readonly sessions: GatewaySession[] = [];
  /** Every identify with a valid token: which shard, when (performance.now()). */
  readonly identifies: Array<{ shard: [number, number]; atMs: number }> = [];
  /** When true, heartbeats (op 1) get no ACK (op 11): the client should see a zombie connection. */
  withholdHeartbeatAcks = false;
  #wss: WebSocketServer | null = null;
  #url = '';

  constructor(options: GatewayOptions) {
    super();
    this.#options = options;
  }

  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.#wss = wss;
    wss.on('connection', (ws) => this.#onConnection(ws));
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    this.#url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  }

  /** The identified, connected session that owns a guild. */
  sessionFor(guildId: string): GatewaySession | undefined {
    return this.sessions.find((s) => s.ws && shardOf(guildId, s.shard[1]) === s.shard[0]);
  }

  waitForSession(guildId: string, timeoutMs = 5000): Promise<GatewaySession> {
    return waitForEvent(
      this,
      'change',
      () => this.sessionFor(guildId),
      timeoutMs,
      `a gateway session for ${guildId}`,
    );
  }

  /**
   * Sends a dispatch to every session that should see it: the shard owning guildId (or all) and
   * only if the session's intents include `intent` (when given). Returns how many got it.
   */
  dispatch(t: string, d: Json, route: { guildId?: string; intent?: number } = {}): number {
    let sent = 0;
    for (const s of this.sessions) {
      if (!s.ws) continue;
      if (route.guildId && shardOf(route.guildId, s.shard[1]) !== s.shard[0]) continue;
      if (route.intent !== undefined && (s.intents & route.intent) === 0) continue;
      this.send(s, { op: 0, t, d });
      sent++;
    }
    return sent;
  }

  send(session: GatewaySession, payload: { op: number; t?: string; d: unknown }): void {
    if (payload.op === 0) session.seq++;
    const message = {
      s: payload.op === 0 ? session.seq : null,
      t: payload.t ?? null,
      op: payload.op,
      d: payload.d,
    };
    if (session.ws?.readyState === WebSocket.OPEN) session.ws.send(JSON.stringify(message));
  }

  /** Closes a shard's socket with a code (e.g. 4000 to make the client resume). */
  closeShard(shardId: number, code: number): void {
    for (const s of this.sessions) {
      if (s.shard[0] === shardId && s.ws) {
        s.ws.close(code, 'closed by the fake');
        s.ws = null;
      }
    }
    this.emit('change');
  }

  #onConnection(ws: WebSocket): void {
    let session: GatewaySession | null = null;
    ws.send(
      JSON.stringify({
        op: 10,
        d: { heartbeat_interval: this.#options.heartbeatIntervalMs },
        s: null,
        t: null,
      }),
    );
    ws.on('close', () => {
      if (session && session.ws === ws) {
        session.ws = null;
        this.emit('change');
      }
    });
    ws.on('message', (data) => {
      const packet = JSON.parse(String(data)) as { op: number; d: Json };
      session?.received.push(packet);
      if (packet.op === 1) {
        if (!this.withholdHeartbeatAcks) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (packet.op === 2) {
        session = this.#identify(ws, packet.d);
      } else if (packet.op === 6) {
        session = this.#resume(ws, packet.d);
      } else if (packet.op === 4 && session) {
        this.#voiceState(session, packet.d);
      }
    });
  }

  #identify(ws: WebSocket, d: Json): GatewaySession | null {
    if (d.token !== this.#options.token && d.token !== `Bot ${this.#options.token}`) {
      ws.close(4004, 'Authentication failed.');
      return null;
    }
    const shard = (Array.isArray(d.shard) ? d.shard : [0, 1]) as [number, number];
    const atMs = performance.now();
    const bucket = shard[0] % this.#options.maxConcurrency;
    const previous = this.identifies.findLast((i) => i.shard[0] % this.#options.maxConcurrency === bucket);
    this.identifies.push({ shard, atMs });
    if (previous !== undefined && atMs - previous.atMs < IDENTIFY_BUCKET_MS) {
      this.#options.fail(
        `gateway: shard ${shard[0]} identified ${(atMs - previous.atMs).toFixed(0)} ms after shard ${previous.shard[0]} in bucket ${bucket} (max_concurrency ${this.#options.maxConcurrency}: one per 5 s)`,
      );
    }
    const session: GatewaySession = {
      sessionId: randomBytes(16).toString('hex'),
      shard,
      intents: Number(d.intents ?? 0),
      ws,
      seq: 0,
      received: [{ op: 2, d: { ...d, token: '[redacted]' } }],
    };
    this.sessions.push(session);
    const { ready, guildCreates } = this.#options.onIdentify(session);
    this.send(session, { op: 0, t: 'READY', d: ready });
    for (const g of guildCreates) this.send(session, { op: 0, t: 'GUILD_CREATE', d: g });
    this.emit('change');
    return session;
  }

  #resume(ws: WebSocket, d: Json): GatewaySession | null {
    const session = this.sessions.find((s) => s.sessionId === d.session_id);
    if (!session || d.token !== this.#options.token) {
      ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return null;
    }
    session.ws = ws;
    this.send(session, { op: 0, t: 'RESUMED', d: {} });
    this.emit('change');
    return session;
  }

  #voiceState(session: GatewaySession, d: Json): void {
    const guildId = String(d.guild_id);
    const owner = shardOf(guildId, session.shard[1]);
    if (owner !== session.shard[0]) {
      this.#options.fail(
        `gateway: op 4 for guild ${guildId} arrived on shard ${session.shard[0]} but shard ${owner} owns it`,
      );
      return;
    }
    this.#options.onVoiceStateRequest(session, d);
  }

  async stop(): Promise<void> {
    const wss = this.#wss;
    if (!wss) return;
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}
