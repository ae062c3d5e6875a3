// Per-speaker Opus streams from the voice receiver, kept alive across bad packets.
import { EventEmitter } from 'node:events';
import type { AudioReceiveStream, VoiceReceiver } from '@discordjs/voice';
import type { Logger } from '../log.ts';

interface SpeakerReceiverEvents {
  /** One raw Opus packet (decrypted) from a speaker we listen to. */
  packet: [userId: string, packet: Buffer];
  /** A packet destroyed the subscription; it was re-created at once. */
  badPacket: [userId: string];
}

export interface SpeakerReceiverOptions {
  /** False for bots and opted-out people: their audio is never subscribed to. */
  shouldListen(userId: string): boolean;
  /** False for a packet that must never reach the decoder (an E2EE frame the library could not decrypt). */
  admit?(userId: string, packet: Buffer): boolean;
  log: Logger;
}

/**
 * Subscribes to a speaker on their first packet (the library's `speaking.start` fires
 * synchronously before that packet is routed, so nothing is lost) and keeps one subscription
 * per speaker. @discordjs/voice destroys a subscription when one packet fails to decrypt and
 * never ends it otherwise; we re-subscribe at once so the speaker's next packet still arrives.
 */
export class SpeakerReceiver extends EventEmitter<SpeakerReceiverEvents> {
  readonly #receiver: VoiceReceiver;
  readonly #options: SpeakerReceiverOptions;
  readonly #streams = new Map<string, AudioReceiveStream>();
  #closed = false;
  readonly #onStart = (userId: string) => this.#handleStart(userId);

  constructor(receiver: VoiceReceiver, options: SpeakerReceiverOptions) {
    super();
    this.#receiver = receiver;
    this.#options = options;
  }

  start(): void {
    this.#receiver.speaking.on('start', this.#onStart);
  }

  /** Listens to one person now, without waiting for them to start speaking again (an /optin). */
  listenTo(userId: string): void {
    this.#handleStart(userId);
  }

  /** Stops listening to one person (they left, or opted out mid-session). */
  forget(userId: string): void {
    const stream = this.#streams.get(userId);
    this.#streams.delete(userId);
    stream?.destroy();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#receiver.speaking.off('start', this.#onStart);
    for (const userId of [...this.#streams.keys()]) this.forget(userId);
  }

  #handleStart(userId: string): void {
    if (this.#closed || !this.#options.shouldListen(userId)) return;
    if (!this.#streams.has(userId)) this.#subscribe(userId);
  }

  #subscribe(userId: string): void {
    // subscribe() hands back an existing stream until it closes: never attach a second pipeline.
    if (this.#receiver.subscriptions.has(userId)) this.#receiver.subscriptions.get(userId)?.destroy();
    const stream = this.#receiver.subscribe(userId);
    this.#streams.set(userId, stream);
    stream.on('data', (packet: Buffer) => {
      if (this.#options.admit?.(userId, packet) !== false) this.emit('packet', userId, packet);
    });
    stream.on('error', (error: Error) => {
      this.#options.log.debug({ err: error, pii: { userId } }, 'bad voice packet; re-subscribing');
      this.emit('badPacket', userId);
    });
    stream.once('close', () => {
      if (this.#streams.get(userId) !== stream) return;
      this.#streams.delete(userId);
      if (!this.#closed && this.#options.shouldListen(userId)) this.#subscribe(userId);
    });
  }
}
