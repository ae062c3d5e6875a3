// Capture of what the bot said in voice: decrypted RTP packets, arrival times and decoded 48 kHz stereo PCM.
import { EventEmitter } from 'node:events';
import { waitForEvent } from '../../helpers/wait.ts';
import type { PcmClip } from '../audio-analysis.ts';
import type { FrameKind } from './dave/frame-check.ts';

export const SAMPLE_RATE_HZ = 48_000;
export const CHANNELS = 2;
export const FRAME_SAMPLES = 960;
const FRAME_MS = 20;
/** Arrival gaps beyond this (ms) count as pauses in pcm({ gaps: 'auto' }): more than jitter. */
const ARRIVAL_GAP_MS = 60;
/** Longest pause (ms) pcm() will fill with silence, so a reconnect does not allocate minutes. */
const MAX_GAP_MS = 10_000;

export interface CapturedPacket {
  guildId: string;
  ssrc: number;
  seq: number;
  timestamp: number;
  /** performance.now() ms when the datagram arrived. */
  arrivalMs: number;
  /** The Opus the humans hear: E2EE-decrypted when the frame was a DAVE protocol frame. */
  opus: Buffer;
  /** The RTP payload as sent (after transport decryption, before E2EE decryption). */
  wire: Buffer;
  /** 'e2ee' = a DAVE protocol frame, 'passthrough' = plain Opus, 'silence' = F8 FF FE. */
  frameKind: FrameKind;
  /** Humans in the call whose DAVE session decrypted the frame / could not. */
  decryptedBy: string[];
  undecryptedBy: string[];
  /** Decoded interleaved stereo PCM at 48 kHz (empty when decoding failed). */
  pcm: Int16Array;
  decodeError?: string;
}

export interface PcmOptions {
  /**
   * How pauses become silence: 'auto' (default) uses the larger of the RTP timestamp gap and the
   * arrival gap (@discordjs/voice does not advance timestamps while idle); 'timestamp'; or 'none'.
   */
  gaps?: 'auto' | 'timestamp' | 'none';
  /** Only packets that arrived at or after this performance.now() ms. */
  sinceMs?: number;
}

export class BotAudioCapture extends EventEmitter {
  readonly packets: CapturedPacket[] = [];

  push(packet: CapturedPacket): void {
    this.packets.push(packet);
    this.emit('packet', packet);
  }

  clear(): void {
    this.packets.length = 0;
  }

  /** Everything the bot sent, concatenated in arrival order, with silence for pauses. */
  pcm(options: PcmOptions = {}): PcmClip {
    const gaps = options.gaps ?? 'auto';
    const chosen = this.packets.filter((p) => p.arrivalMs >= (options.sinceMs ?? Number.NEGATIVE_INFINITY));
    const parts: Int16Array[] = [];
    let previous: CapturedPacket | undefined;
    for (const p of chosen) {
      if (previous && gaps !== 'none') {
        const gapFrames = this.#gapFrames(previous, p, gaps);
        if (gapFrames > 0) parts.push(new Int16Array(gapFrames * FRAME_SAMPLES * CHANNELS));
      }
      parts.push(p.pcm.length > 0 ? p.pcm : new Int16Array(FRAME_SAMPLES * CHANNELS));
      previous = p;
    }
    const samples = new Int16Array(parts.reduce((n, a) => n + a.length, 0));
    let offset = 0;
    for (const a of parts) {
      samples.set(a, offset);
      offset += a.length;
    }
    return { samples, sampleRate: SAMPLE_RATE_HZ, channels: CHANNELS };
  }

  #gapFrames(a: CapturedPacket, b: CapturedPacket, gaps: 'auto' | 'timestamp'): number {
    const maxFrames = MAX_GAP_MS / FRAME_MS;
    let frames = 0;
    if (a.ssrc === b.ssrc) {
      const diff = (b.timestamp - a.timestamp) >>> 0;
      const tsFrames = Math.round(diff / FRAME_SAMPLES) - 1;
      if (tsFrames > 0 && tsFrames <= maxFrames) frames = tsFrames;
    }
    if (gaps === 'auto') {
      const dt = b.arrivalMs - a.arrivalMs;
      if (dt > ARRIVAL_GAP_MS) frames = Math.max(frames, Math.min(maxFrames, Math.round(dt / FRAME_MS) - 1));
    }
    return frames;
  }

  /** Duration (ms) of the audio in packets (20 ms each), not counting pauses. */
  audioMs(): number {
    return this.packets.length * FRAME_MS;
  }

  /** Resolves with this capture once predicate(capture) holds, re-checked on every packet. */
  until(predicate: (capture: BotAudioCapture) => boolean, timeoutMs = 5000): Promise<BotAudioCapture> {
    return waitForEvent(this, 'packet', () => (predicate(this) ? this : undefined), timeoutMs, 'bot audio');
  }

  /** Resolves once at least n packets were captured. */
  untilPackets(n: number, timeoutMs = 5000): Promise<BotAudioCapture> {
    return this.until((c) => c.packets.length >= n, timeoutMs);
  }
}
