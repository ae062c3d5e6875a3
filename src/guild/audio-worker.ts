// The audio worker thread: Opus decoding/encoding and resampling for every guild of the process.
import { parentPort } from 'node:worker_threads';
import { createOpusCodec } from '../codec/create-opus-codec.ts';
import type { FromWorker, ToWorker } from './audio-worker-protocol.ts';
import { ReplyEncoder } from './reply-encoder.ts';
import { SpeakerDecoders } from './speaker-decoders.ts';

const port = parentPort;
if (!port) throw new Error('audio-worker.ts must run as a worker thread');

const codec = createOpusCodec();
const decoders = new SpeakerDecoders(codec);
const encoders = new Map<number, ReplyEncoder>();

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

/** A view that owns its whole buffer can be transferred; anything else is copied first. */
function owned<T extends Uint8Array | Int16Array>(view: T): T {
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
  if (whole && view.buffer instanceof ArrayBuffer) return view;
  return (view instanceof Uint8Array ? new Uint8Array(view) : new Int16Array(view)) as T;
}

function sendPackets(ch: number, gen: number, encoded: Uint8Array[], flushed: boolean): void {
  if (encoded.length === 0 && !flushed) return;
  const packets = encoded.map(owned);
  send(
    { t: 'packets', ch, gen, packets, flushed },
    packets.map((p) => p.buffer as ArrayBuffer),
  );
}

function handle(m: ToWorker): void {
  switch (m.t) {
    case 'up': {
      const decoded = decoders.decode(`${m.ch}:${m.user}`, m.packet);
      const pcm = owned(decoded.pcm);
      send({ t: 'decoded', ch: m.ch, user: m.user, pcm, bad: decoded.bad }, [pcm.buffer as ArrayBuffer]);
      return;
    }
    case 'upForget':
      decoders.forget(`${m.ch}:${m.user}`);
      return;
    case 'upClose':
      decoders.forgetAll(`${m.ch}:`);
      return;
    case 'downOpen':
      encoders.set(m.ch, new ReplyEncoder(codec, m.bitrateBps));
      return;
    case 'down': {
      const encoder = encoders.get(m.ch);
      if (encoder) sendPackets(m.ch, m.gen, encoder.push(m.pcm), false);
      return;
    }
    case 'downFlush': {
      const encoder = encoders.get(m.ch);
      if (encoder) sendPackets(m.ch, m.gen, encoder.flush(), true);
      return;
    }
    case 'downReset':
      encoders.get(m.ch)?.reset();
      return;
    case 'downClose':
      encoders.get(m.ch)?.destroy();
      encoders.delete(m.ch);
      return;
  }
}

port.on('message', (message: ToWorker) => {
  try {
    handle(message);
  } catch (error) {
    // One bad message must not take every guild's audio down: report it and keep serving.
    send({ t: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
