// Load traffic for the bench: 3 talking humans per guild (real Opus over the fake's UDP) and a talking Gemini.
import { Encoder } from '@evan/opus';
import type { FakeDiscord, FakeHuman } from '../../fakes/fake-discord/index.ts';
import { encryptRtp } from '../../fakes/fake-discord/rtp.ts';
import type { VoiceSession } from '../../fakes/fake-discord/voice-server.ts';
import type { FakeGemini, FakeLiveConnection } from '../../fakes/fake-gemini/index.ts';
import { geminiAnswer, tone } from '../../fakes/tones.ts';

const FRAME_MS = 20;
const FRAME_SAMPLES = 960;
/** Gemini sends 100 ms of 24 kHz audio every 100 ms (its real pace is bursts ahead of real time). */
const ANSWER_EVERY_FRAMES = 5;
/** 'turns': 4 s cycles per guild, humans talk for the first 2 s and Gemini for the last 2 s. */
const TURN_CYCLE_FRAMES = 200;

/**
 * 'duplex' is the worst case: all three humans of every guild and Gemini talk all the time.
 * 'turns' is a lively conversation: three people talk at once, then Gemini answers; guilds' cycles
 * are staggered so the load is even.
 */
export type TrafficMode = 'duplex' | 'turns';

interface Talker {
  human: FakeHuman;
  /** Offset of this guild's turn cycle (frames). */
  phase: number;
  channelId: string;
  packets: readonly Buffer[];
  session: VoiceSession | undefined;
  next: number;
  seq: number;
  timestamp: number;
  nonce: number;
}

/** One second of a tone as Opus packets, encoded once and looped (the humans' encoding costs nothing then). */
function opusLoop(freqHz: number): Buffer[] {
  const encoder = new Encoder({ channels: 2, sample_rate: 48_000, application: 'voip' });
  const clip = tone(freqHz, 1000, { amplitudeDbfs: -18 }).samples;
  const packets: Buffer[] = [];
  for (let f = 0; f < 50; f++) {
    packets.push(
      Buffer.from(encoder.encode(clip.subarray(f * FRAME_SAMPLES * 2, (f + 1) * FRAME_SAMPLES * 2))),
    );
  }
  return packets;
}

/**
 * Every 20 ms tick: one encrypted RTP packet per registered human (a full-duplex worst case:
 * all three humans of every guild talk all the time), and every 100 ms one audio chunk on every
 * open Live connection (Gemini talks all the time too). Recorded data in the fakes is trimmed
 * every second so their memory stays flat; the counts are kept.
 */
export class Traffic {
  readonly #discord: FakeDiscord;
  readonly #gemini: FakeGemini;
  readonly #talkers: Talker[] = [];
  readonly #loops = [opusLoop(300), opusLoop(500), opusLoop(700)];
  readonly #answer: Record<string, unknown>;
  readonly #mode: TrafficMode;
  #timer: NodeJS.Timeout | null = null;
  #startedAt = 0;
  #ticks = 0;
  /** Audio ms Gemini received / the humans' frames sent DAVE-encrypted, since start. */
  geminiAudioMs = 0;
  e2eeFrames = 0;

  constructor(discord: FakeDiscord, gemini: FakeGemini, mode: TrafficMode) {
    this.#discord = discord;
    // The fake only counts the bot's frames (no E2EE decrypt and Opus decode per frame), so the
    // load generator's CPU is spent on the humans and Gemini, not on listening.
    discord.voice.udp.botAudioMode = 'count';
    this.#mode = mode;
    this.#gemini = gemini;
    const pcm = geminiAnswer(500, 100);
    const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
    this.#answer = {
      serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] } },
    };
  }

  /** The human must already be heard by the bot once (say()), so its SSRC is mapped to its user. */
  addTalker(human: FakeHuman, channelId: string, guildIndex: number, index: number): void {
    this.#talkers.push({
      human,
      phase: (guildIndex * 37) % TURN_CYCLE_FRAMES,
      channelId,
      packets: this.#loops[index % this.#loops.length] ?? [],
      session: undefined,
      next: 0,
      seq: Math.floor(Math.random() * 0xffff),
      timestamp: Math.floor(Math.random() * 0xffffffff),
      nonce: 1_000_000,
    });
  }

  start(): void {
    this.#startedAt = performance.now();
    const loop = () => {
      const due = Math.floor((performance.now() - this.#startedAt) / FRAME_MS);
      // Catch up at most 3 frames: a stalled driver must not flood the bot afterwards.
      for (let n = 0; this.#ticks <= due && n < 3; n++) this.#tick();
      this.#ticks = Math.max(this.#ticks, due + 1);
      this.#timer = setTimeout(loop, this.#startedAt + this.#ticks * FRAME_MS - performance.now());
    };
    loop();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    this.#ticks++;
    for (const t of this.#talkers) if (this.#talking(t.phase)) this.#send(t);
    if (this.#ticks % ANSWER_EVERY_FRAMES === 0) {
      for (const conn of this.#gemini.connections) {
        const answering = this.#mode === 'duplex' || !this.#talking((conn.id * 37) % TURN_CYCLE_FRAMES);
        if (answering && conn.isOpen && conn.session) conn.send(this.#answer);
      }
    }
    if (this.#ticks % 50 === 0) this.#trim();
  }

  #talking(phase: number): boolean {
    return this.#mode === 'duplex' || (this.#ticks + phase) % TURN_CYCLE_FRAMES < TURN_CYCLE_FRAMES / 2;
  }

  #send(t: Talker): void {
    if (!t.session?.ready || !t.session.secretKey)
      t.session = this.#discord.voice.readySessionIn(t.channelId);
    const session = t.session;
    if (!session?.secretKey || !session.botAddress) return;
    const opus = t.packets[t.next % t.packets.length] ?? Buffer.alloc(0);
    t.next++;
    // Real clients E2EE-encrypt every frame in a DAVE call, so the bot's decrypt is part of the load.
    const dave = t.human.dave;
    const payload = dave ? dave.encrypt(opus) : opus;
    if (dave) this.e2eeFrames++;
    t.nonce = (t.nonce + 1) >>> 0;
    const datagram = encryptRtp(
      { seq: t.seq, timestamp: t.timestamp, ssrc: t.human.ssrc },
      payload,
      session.secretKey,
      t.nonce,
    );
    t.seq = (t.seq + 1) & 0xffff;
    t.timestamp = (t.timestamp + FRAME_SAMPLES) >>> 0;
    void this.#discord.voice.udp.send(datagram, session.botAddress);
  }

  /** The bot's voice frames the fake received, by kind. */
  get botFrames(): Readonly<Record<string, number>> {
    return this.#discord.voice.udp.botFrameCounts;
  }

  #trim(): void {
    for (const conn of this.#gemini.connections) trimConnection(conn, this);
  }
}

function trimConnection(conn: FakeLiveConnection, traffic: { geminiAudioMs: number }): void {
  for (const chunk of conn.audioChunks) traffic.geminiAudioMs += chunk.samples.length / 16;
  conn.audioChunks.length = 0;
  // The first message is the setup: the fake treats an empty record as "no setup yet".
  conn.messages.splice(1);
}
