// AudioOffload backed by one worker thread per process, so Opus decoding and encoding leave the event loop.
import { Worker } from 'node:worker_threads';
import type { OpusCodec } from '../codec/opus-codec.ts';
import type { Logger } from '../log.ts';
import {
  type AudioOffload,
  type DownlinkEncoding,
  inlineAudio,
  type OnDecoded,
  type OnPackets,
  type UplinkDecoding,
} from './audio-offload.ts';
import type { FromWorker, ToWorker } from './audio-worker-protocol.ts';
import { InFlightDecodes } from './in-flight-decodes.ts';
import { PostBatcher } from './post-batcher.ts';

interface Channel {
  onDecoded?: OnDecoded;
  onPackets?: OnPackets;
  /** Downlink results older than this generation were overtaken by a barge-in. */
  gen: number;
}

/**
 * Decoding every speaker and encoding every answer costs ~1.5 % of a core per busy guild; on the
 * event loop that becomes timer lag for every guild at once. The worker takes that work to another
 * core; the main thread only moves packets. If the worker ever dies, channels fall back to inline
 * processing (the audio continues, on the main thread) and the failure is logged once.
 */
export class WorkerAudio implements AudioOffload {
  readonly #worker: Worker;
  readonly #channels = new Map<number, Channel>();
  readonly #inline: AudioOffload;
  readonly #log: Logger;
  readonly #out: PostBatcher<ToWorker>;
  #nextChannel = 1;
  #dead = false;

  /** `workerUrl` is the worker's entry file; tests pass one that fails to check the fallback. */
  constructor(codec: OpusCodec, log: Logger, workerUrl = new URL('./audio-worker.ts', import.meta.url)) {
    this.#log = log;
    this.#inline = inlineAudio(codec);
    this.#worker = new Worker(workerUrl);
    this.#out = new PostBatcher((messages, transfer) => this.#postNow(messages, transfer), {
      autoFlush: true,
    });
    // The worker must never keep a finished process alive.
    this.#worker.unref();
    this.#worker.on('message', (batch: FromWorker[]) => {
      for (const message of batch) this.#onMessage(message);
    });
    this.#worker.on('error', (error) => this.#die(error));
    this.#worker.on('exit', (code) => {
      if (!this.#dead) this.#die(new Error(`audio worker exited with code ${code}`));
    });
  }

  get kind(): string {
    return this.#dead ? 'inline (worker failed)' : 'worker thread';
  }

  uplink(onDecoded: OnDecoded): UplinkDecoding {
    const inFlight = new InFlightDecodes();
    const ch = this.#open({
      onDecoded: (user, audio) => {
        if (inFlight.arrived(user)) onDecoded(user, audio);
      },
      gen: 0,
    });
    let fallback: UplinkDecoding | null = null;
    const local = () => {
      fallback ??= this.#inline.uplink(onDecoded);
      return fallback;
    };
    return {
      push: (user, packet) => {
        if (this.#dead) return local().push(user, packet);
        // Copied into the batch's arena: receiver packets are views into Node's pooled buffers,
        // which cannot be transferred (and cloning a view would copy the whole pool).
        inFlight.sent(user);
        this.#post({ t: 'up', ch, user, packet: this.#out.arena.copy(packet) });
      },
      forget: (user) => {
        if (this.#dead) return local().forget(user);
        inFlight.forget(user);
        this.#post({ t: 'upForget', ch, user });
      },
      close: () => {
        fallback?.close();
        if (!this.#dead) this.#post({ t: 'upClose', ch });
        this.#channels.delete(ch);
      },
    };
  }

  downlink(onPackets: OnPackets, bitrateBps?: number): DownlinkEncoding {
    const channel: Channel = { onPackets, gen: 0 };
    const ch = this.#open(channel);
    this.#post({ t: 'downOpen', ch, bitrateBps });
    let fallback: DownlinkEncoding | null = null;
    const local = () => {
      fallback ??= this.#inline.downlink(onPackets, bitrateBps);
      return fallback;
    };
    return {
      push: (pcm24k) => {
        if (this.#dead) return local().push(pcm24k);
        this.#post({ t: 'down', ch, gen: channel.gen, pcm: this.#out.arena.copy(pcm24k) });
      },
      flush: () => (this.#dead ? local().flush() : this.#post({ t: 'downFlush', ch, gen: channel.gen })),
      reset: () => {
        channel.gen += 1;
        if (this.#dead) local().reset();
        else this.#post({ t: 'downReset', ch, gen: channel.gen });
      },
      close: () => {
        fallback?.close();
        if (!this.#dead) this.#post({ t: 'downClose', ch });
        this.#channels.delete(ch);
      },
    };
  }

  async close(): Promise<void> {
    this.#dead = true;
    this.#out.drop();
    this.#channels.clear();
    await this.#worker.terminate();
  }

  #open(channel: Channel): number {
    const ch = this.#nextChannel++;
    this.#channels.set(ch, channel);
    return ch;
  }

  #post(message: ToWorker): void {
    this.#out.add(message);
  }

  #postNow(messages: ToWorker[], transfer: ArrayBuffer[]): void {
    if (this.#dead) return;
    try {
      this.#worker.postMessage(messages, transfer);
    } catch (error) {
      // Only a programming error gets here (an untransferable buffer); keep audio going inline.
      this.#die(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #onMessage(message: FromWorker): void {
    if (message.t === 'failed') {
      this.#log.error({ reason: message.message }, 'audio worker could not process a message');
      return;
    }
    const channel = this.#channels.get(message.ch);
    if (!channel) return;
    if (message.t === 'decoded') {
      channel.onDecoded?.(message.user, { pcm: message.pcm, bad: message.bad });
    } else if (message.gen === channel.gen) {
      channel.onPackets?.(message.packets, message.flushed);
    }
  }

  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#log.error({ err: error }, 'audio worker failed; audio continues on the main thread');
  }
}
