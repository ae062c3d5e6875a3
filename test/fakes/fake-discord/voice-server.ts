// The fake voice gateway: v8 over TLS (identify, UDP select, session description, heartbeats, resume).
import { randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:https';
import { WebSocket, WebSocketServer } from 'ws';
import { waitForEvent } from '../../helpers/wait.ts';
import { BotDaveLink } from './dave/bot-link.ts';
import type { DaveMember } from './dave/call.ts';
import type { DaveCalls } from './dave/calls.ts';
import type { Json } from './payloads.ts';
import type { TestCertificate } from './tls-cert.ts';
import { type UdpPeer, VoiceUdp } from './voice-udp.ts';

export const VOICE_MODES = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'];

export interface VoiceSession {
  guildId: string;
  channelId: string;
  userId: string;
  sessionId: string;
  token: string;
  ssrc: number;
  secretKey: Buffer | null;
  mode: string | null;
  botAddress: UdpPeer | null;
  ws: WebSocket | null;
  /** Sequence number of the last server message (v8 seq_ack). */
  seq: number;
  /** True once SESSION_DESCRIPTION was sent: audio can flow both ways. */
  ready: boolean;
  maxDaveProtocolVersion: number | null;
  /** The protocol version op 4 announced (0 = DAVE off for this connection). */
  daveProtocolVersion: number;
  /** The bot as a member of the channel's DAVE call, once op 4 announced version 1. */
  dave: DaveMember | null;
  /** Humans whose SPEAKING (op 5) this session has already seen. */
  speakingSent: Set<string>;
  /** Every op the bot sent on this session, in order. */
  received: Json[];
}

interface Pending {
  guildId: string;
  channelId: string;
  userId: string;
  sessionId: string;
}

export interface VoiceServerOptions {
  heartbeatIntervalMs: number;
  fail: (message: string) => void;
  dave: DaveCalls;
  /** Users other than the bot in a voice channel (op 11 after the session description). */
  connectedUsers: (guildId: string, channelId: string) => string[];
}

export class VoiceServer extends EventEmitter {
  readonly #cert: TestCertificate;
  readonly #options: VoiceServerOptions;
  readonly #pending = new Map<string, Pending>();
  /** The current session of each guild. */
  readonly sessions = new Map<string, VoiceSession>();
  /** Every IDENTIFY (op 0) and RESUME (op 7) payload, in order. */
  readonly identifies: Json[] = [];
  readonly resumes: Json[] = [];
  /** Identifies refused with 4017 because the client offered no DAVE. */
  daveRefusals = 0;
  readonly udp: VoiceUdp;
  readonly #dave: BotDaveLink;
  /** When true, voice heartbeats (op 3) get no ACK (op 6). */
  withholdHeartbeatAcks = false;
  #https: Server | null = null;
  #wss: WebSocketServer | null = null;
  #port = 0;
  #udpPort = 0;

  constructor(cert: TestCertificate, options: VoiceServerOptions) {
    super();
    this.#cert = cert;
    this.#options = options;
    this.#dave = new BotDaveLink(options.dave, options.fail);
    this.udp = new VoiceUdp(
      (ssrc) => this.#bySsrc(ssrc),
      options.fail,
      (session) => options.dave.call(session.channelId),
    );
  }

  get endpoint(): string {
    return `127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    this.#udpPort = await this.udp.start();
    const https = createServer({ cert: this.#cert.certPem, key: this.#cert.keyPem });
    this.#https = https;
    this.#wss = new WebSocketServer({ server: https });
    this.#wss.on('connection', (ws) => this.#onConnection(ws));
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const address = https.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
  }

  /** Registers the token handed out in VOICE_SERVER_UPDATE for a join. */
  expect(pending: Pending): string {
    const token = randomBytes(8).toString('hex');
    this.#pending.set(token, pending);
    return token;
  }

  /** Resolves with the guild's session once SESSION_DESCRIPTION was sent. */
  waitReady(guildId: string, timeoutMs = 5000): Promise<VoiceSession> {
    return waitForEvent(
      this,
      'change',
      () => {
        const s = this.sessions.get(guildId);
        return s?.ready && s.botAddress ? s : undefined;
      },
      timeoutMs,
      `the bot's voice connection in guild ${guildId}`,
    );
  }

  /** The bot's ready session in a voice channel, if any. */
  readySessionIn(channelId: string): VoiceSession | undefined {
    for (const s of this.sessions.values())
      if (s.channelId === channelId && s.ready && s.botAddress) return s;
    return undefined;
  }

  /** Closes the bot's voice websocket with a close code (4006, 4014, 4015, 4017, 4021, ...). */
  closeBotConnection(guild: string | { id: string }, code: number): void {
    const guildId = typeof guild === 'string' ? guild : guild.id;
    const session = this.sessions.get(guildId);
    if (!session?.ws) throw new Error(`fake-discord: no voice websocket for guild ${guildId}`);
    if (code !== 4015 && code >= 4000) session.ready = false;
    session.ws.close(code, 'closed by the fake');
    session.ws = null;
    this.emit('change');
  }

  /** Forgets the guild's session (the bot left voice). */
  endSession(guildId: string, code = 1000): void {
    const session = this.sessions.get(guildId);
    if (!session) return;
    this.#dave.leave(session);
    this.sessions.delete(guildId);
    session.ready = false;
    session.ws?.close(code, 'session ended');
    this.emit('change');
  }

  send(session: VoiceSession, op: number, d: unknown): Promise<void> {
    const ws = session.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    session.seq++;
    const text = JSON.stringify({ op, d, seq: session.seq });
    return new Promise((resolve) => ws.send(text, () => resolve()));
  }

  /** A binary voice-gateway frame: [u16 sequence][u8 opcode][payload], sharing the JSON sequence. */
  sendBinary(session: VoiceSession, op: number, payload: Buffer): Promise<void> {
    const ws = session.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    session.seq++;
    const head = Buffer.alloc(3);
    head.writeUInt16BE(session.seq & 0xffff, 0);
    head.writeUInt8(op, 2);
    return new Promise((resolve) => ws.send(Buffer.concat([head, payload]), () => resolve()));
  }

  #bySsrc(ssrc: number): VoiceSession | undefined {
    for (const s of this.sessions.values()) if (s.ssrc === ssrc) return s;
    return undefined;
  }

  #onConnection(ws: WebSocket): void {
    let session: VoiceSession | null = null;
    ws.send(JSON.stringify({ op: 8, d: { heartbeat_interval: this.#options.heartbeatIntervalMs } }));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const op = this.#dave.binary(
          session,
          Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer),
        );
        if (op !== null) session?.received.push({ op, d: { binary: true } });
        return;
      }
      const packet = JSON.parse(String(data)) as { op: number; d: Json };
      session?.received.push(packet);
      if (packet.op === 0) session = this.#identify(ws, packet.d);
      else if (packet.op === 7) session = this.#resume(ws, packet.d);
      else if (packet.op === 1 && session) this.#selectProtocol(session, packet.d);
      else if ((packet.op === 23 || packet.op === 31) && session)
        this.#dave.json(session, packet.op, Number(packet.d.transition_id));
      else if (packet.op === 3 && !this.withholdHeartbeatAcks) {
        ws.send(JSON.stringify({ op: 6, d: { t: packet.d.t } }));
      }
    });
  }

  #identify(ws: WebSocket, d: Json): VoiceSession | null {
    this.identifies.push(d);
    const pending = this.#pending.get(String(d.token));
    if (
      !pending ||
      pending.guildId !== d.server_id ||
      pending.userId !== d.user_id ||
      pending.sessionId !== d.session_id
    ) {
      this.#options.fail('voice gateway: IDENTIFY with an unknown token or mismatched ids');
      ws.close(4004, 'Authentication failed');
      return null;
    }
    const maxDave = typeof d.max_dave_protocol_version === 'number' ? d.max_dave_protocol_version : 0;
    if (this.#options.dave.enabled && maxDave < 1) {
      // Since March 2026 Discord refuses voice clients without DAVE outside stage channels.
      ws.close(4017, 'E2EE/DAVE protocol required');
      this.daveRefusals++;
      this.emit('change');
      return null;
    }
    const old = this.sessions.get(pending.guildId);
    if (old) this.#dave.leave(old);
    if (old?.ws && old.ws !== ws) old.ws.close(1000, 'replaced');
    const session: VoiceSession = {
      ...pending,
      token: String(d.token),
      ssrc: randomInt(1, 2 ** 31),
      secretKey: null,
      mode: null,
      botAddress: null,
      ws,
      seq: 0,
      ready: false,
      maxDaveProtocolVersion:
        typeof d.max_dave_protocol_version === 'number' ? d.max_dave_protocol_version : null,
      daveProtocolVersion: 0,
      dave: null,
      speakingSent: new Set(),
      received: [{ op: 0, d }],
    };
    this.sessions.set(pending.guildId, session);
    void this.send(session, 2, {
      ssrc: session.ssrc,
      ip: '127.0.0.1',
      port: this.#udpPort,
      modes: VOICE_MODES,
      heartbeat_interval: this.#options.heartbeatIntervalMs,
    });
    this.emit('change');
    return session;
  }

  #resume(ws: WebSocket, d: Json): VoiceSession | null {
    this.resumes.push(d);
    const session = this.sessions.get(String(d.server_id));
    if (!session || session.token !== d.token || session.sessionId !== d.session_id) {
      ws.close(4006, 'Session no longer valid');
      return null;
    }
    session.ws = ws;
    void this.send(session, 9, null);
    this.emit('change');
    return session;
  }

  #selectProtocol(session: VoiceSession, d: Json): void {
    const data = d.data as { address?: string; port?: number; mode?: string } | undefined;
    if (data?.mode !== 'aead_aes256_gcm_rtpsize') {
      this.#options.fail(
        `voice gateway: the bot selected mode ${data?.mode}; the fake decrypts AES-GCM only`,
      );
      session.ws?.close(4016, 'Unknown encryption mode');
      return;
    }
    session.mode = data.mode;
    session.secretKey = randomBytes(32);
    session.ready = true;
    const call = this.#options.dave.call(session.channelId);
    session.daveProtocolVersion = call ? call.protocolVersion : 0;
    void this.send(session, 4, {
      mode: session.mode,
      secret_key: [...session.secretKey],
      dave_protocol_version: session.daveProtocolVersion,
      audio_codec: 'opus',
      video_codec: null,
      media_session_id: randomBytes(8).toString('hex'),
    }).then(() => this.emit('change'));
    const others = this.#options.connectedUsers(session.guildId, session.channelId);
    if (others.length > 0) void this.send(session, 11, { user_ids: others });
    this.#dave.join(session, {
      json: (op, payload) => void this.send(session, op, payload),
      binary: (op, payload) => void this.sendBinary(session, op, payload),
    });
  }

  async stop(): Promise<void> {
    this.#options.dave.stop();
    for (const client of this.#wss?.clients ?? []) client.terminate();
    this.#wss?.close();
    const https = this.#https;
    if (https) {
      https.closeAllConnections();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    }
    await this.udp.stop();
  }
}
