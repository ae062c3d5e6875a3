// The audio worker thread: Opus decoding and encoding for every guild of the process.
import { parentPort } from 'node:worker_threads';
import { createOpusCodec } from '../codec/create-opus-codec.ts';
import type { FromWorker, ToWorker } from './audio-worker-protocol.ts';
import { PostBatcher } from './post-batcher.ts';
import { ReplyEncoder } from './reply-encoder.ts';
import { SpeakerDecoders } from './speaker-decoders.ts';

const port = parentPort;
if (!port) throw new Error('audio-worker.ts must run as a worker thread');

const codec = createOpusCodec();
const decoders = new SpeakerDecoders(codec);
const encoders = new Map<number, ReplyEncoder>();

/** Results of one incoming batch go back as one batch, posted when the batch is done. */
const out = new PostBatcher<FromWorker>((messages, transfer) => port?.postMessage(messages, transfer), {
  autoFlush: false,
});

function sendPackets(ch: number, gen: number, encoded: Uint8Array[], flushed: boolean): void {
  if (encoded.length === 0 && !flushed) return;
  out.add({ t: 'packets', ch, gen, packets: encoded.map((p) => out.arena.copy(p)), flushed });
}

function handle(m: ToWorker): void {
  switch (m.t) {
    case 'up': {
      const decoded = decoders.decode(`${m.ch}:${m.user}`, m.packet);
      out.add({ t: 'decoded', ch: m.ch, user: m.user, pcm: out.arena.copy(decoded.pcm), bad: decoded.bad });
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

port.on('message', (batch: ToWorker[]) => {
  for (const message of batch) {
    try {
      handle(message);
    } catch (error) {
      // One bad message must not take every guild's audio down: report it and keep serving.
      out.add({ t: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }
  out.flush();
});
