// The fake voice server's UDP side: IP discovery, keep-alives, and capture of the bot's encrypted audio.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { Decoder } from '@evan/opus';
import { BotAudioCapture, CHANNELS, SAMPLE_RATE_HZ } from './bot-audio.ts';
import { type BotFrame, readBotFrame } from './dave/bot-frames.ts';
import type { DaveCall } from './dave/call.ts';
import { type FrameKind, frameKind } from './dave/frame-check.ts';
import { type DecryptedRtp, decryptRtp, isRtp } from './rtp.ts';

export interface UdpPeer {
  address: string;
  port: number;
}

/** What the UDP side needs to know about a voice session. */
export interface UdpSessionView {
  guildId: string;
  channelId: string;
  userId: string;
  ssrc: number;
  secretKey: Buffer | null;
  botAddress: UdpPeer | null;
}

const DISCOVERY_BYTES = 74;
const KEEPALIVE_BYTES = 8;
/** How often (ms) and how long (ms) a frame waiting for a human's op 22 is retried. */
const RETRY_EVERY_MS = 5;
const RETRY_FOR_MS = 3000;

/**
 * 'record' (tests): every frame E2EE-decrypted by each human, Opus-decoded and kept.
 * 'count' (load benches): transport-decrypted and classified only, so the fake's own cost of
 * reading the bot stays small next to the bot's; what the bot must do is the same in both.
 */
export type BotAudioMode = 'record' | 'count';

interface HeldFrame {
  session: UdpSessionView;
  rtp: DecryptedRtp;
  arrivalMs: number;
}

export class VoiceUdp {
  readonly botAudio = new BotAudioCapture();
  readonly #guildAudio = new Map<string, BotAudioCapture>();
  readonly #decoders = new Map<number, Decoder>();
  readonly #findSession: (ssrc: number) => UdpSessionView | undefined;
  readonly #fail: (message: string) => void;
  readonly #callOf: (session: UdpSessionView) => DaveCall | null;
  /** Frames in arrival order that wait for a human to apply a commit (released in order). */
  readonly #held: HeldFrame[] = [];
  #retryTimer: NodeJS.Timeout | null = null;
  #socket: Socket | null = null;
  /** Count of keep-alive datagrams from the bot (echoed like Discord does). */
  keepAlives = 0;
  botAudioMode: BotAudioMode = 'record';
  /** With 'count': the bot's frames by kind since start. */
  readonly botFrameCounts: Record<FrameKind, number> = { e2ee: 0, passthrough: 0, silence: 0 };

  constructor(
    findSession: (ssrc: number) => UdpSessionView | undefined,
    fail: (message: string) => void,
    callOf: (session: UdpSessionView) => DaveCall | null,
  ) {
    this.#findSession = findSession;
    this.#fail = fail;
    this.#callOf = callOf;
  }

  async start(): Promise<number> {
    const socket = createSocket('udp4');
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return socket.address().port;
  }

  guildAudio(guildId: string): BotAudioCapture {
    let capture = this.#guildAudio.get(guildId);
    if (!capture) {
      capture = new BotAudioCapture();
      this.#guildAudio.set(guildId, capture);
    }
    return capture;
  }

  /** Sends a datagram from the voice server to a peer; resolves once handed to the OS. */
  send(datagram: Buffer, peer: UdpPeer): Promise<void> {
    const socket = this.#socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.send(datagram, peer.port, peer.address, () => resolve()));
  }

  #onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length === DISCOVERY_BYTES && msg.readUInt16BE(0) === 1) {
      this.#answerDiscovery(msg, rinfo);
    } else if (msg.length === KEEPALIVE_BYTES) {
      this.keepAlives++;
      void this.send(msg, rinfo);
    } else if (isRtp(msg)) {
      this.#captureRtp(msg);
    } else {
      this.#fail(`voice udp: unexpected ${msg.length}-byte datagram from the bot`);
    }
  }

  #answerDiscovery(msg: Buffer, rinfo: RemoteInfo): void {
    const ssrc = msg.readUInt32BE(4);
    const session = this.#findSession(ssrc);
    if (!session) {
      this.#fail(`voice udp: IP discovery for unknown ssrc ${ssrc}`);
      return;
    }
    session.botAddress = { address: rinfo.address, port: rinfo.port };
    const reply = Buffer.alloc(DISCOVERY_BYTES);
    reply.writeUInt16BE(2, 0);
    reply.writeUInt16BE(70, 2);
    reply.writeUInt32BE(ssrc, 4);
    reply.write(rinfo.address, 8, 'utf8');
    reply.writeUInt16BE(rinfo.port, DISCOVERY_BYTES - 2);
    void this.send(reply, rinfo);
  }

  #captureRtp(msg: Buffer): void {
    const arrivalMs = performance.now();
    const ssrc = msg.readUInt32BE(8);
    const session = this.#findSession(ssrc);
    if (!session?.secretKey) {
      this.#fail(`voice udp: RTP from ssrc ${ssrc} without a negotiated session`);
      return;
    }
    let rtp: ReturnType<typeof decryptRtp>;
    try {
      rtp = decryptRtp(msg, session.secretKey);
    } catch {
      this.#fail(`voice udp: could not decrypt the bot's RTP packet (ssrc ${ssrc})`);
      return;
    }
    if (this.botAudioMode === 'count') {
      this.botFrameCounts[frameKind(rtp.payload)]++;
      return;
    }
    this.#held.push({ session, rtp, arrivalMs });
    this.#release();
  }

  /** Records held frames in order while each can be read; a frame that must wait stops the line. */
  #release(): void {
    while (this.#held.length > 0) {
      const next = this.#held[0] as HeldFrame;
      const frame = readBotFrame(this.#callOf(next.session), next.session.userId, next.rtp.payload);
      if (frame === 'retry' && performance.now() - next.arrivalMs < RETRY_FOR_MS) {
        this.#retryTimer ??= setTimeout(() => {
          this.#retryTimer = null;
          this.#release();
        }, RETRY_EVERY_MS);
        return;
      }
      this.#held.shift();
      this.#record(next, frame === 'retry' ? null : frame);
    }
  }

  #record({ session, rtp, arrivalMs }: HeldFrame, frame: BotFrame | null): void {
    const ssrc = rtp.ssrc;
    let decoder = this.#decoders.get(ssrc);
    if (!decoder) {
      decoder = new Decoder({ channels: CHANNELS, sample_rate: SAMPLE_RATE_HZ });
      this.#decoders.set(ssrc, decoder);
    }
    let pcm = new Int16Array(0);
    let decodeError: string | undefined;
    const opus = frame?.opus ?? null;
    if (opus) {
      try {
        const bytes = decoder.decode(opus);
        pcm = new Int16Array(bytes.byteLength / 2);
        new Uint8Array(pcm.buffer).set(bytes);
      } catch (error) {
        decodeError = String(error);
      }
    } else {
      decodeError = 'no human in the call could decrypt this E2EE frame';
    }
    const packet = {
      guildId: session.guildId,
      ssrc,
      seq: rtp.seq,
      timestamp: rtp.timestamp,
      arrivalMs,
      opus: Buffer.from(opus ?? rtp.payload),
      wire: Buffer.from(rtp.payload),
      frameKind: frame?.kind ?? 'e2ee',
      decryptedBy: frame?.decryptedBy ?? [],
      undecryptedBy: frame?.undecryptedBy ?? [],
      pcm,
      ...(decodeError === undefined ? {} : { decodeError }),
    };
    this.guildAudio(session.guildId).push(packet);
    this.botAudio.push(packet);
  }

  async stop(): Promise<void> {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
