// Bench of DAVE per 20 ms frame: E2EE-decrypting a speaker's frame (davey + our guard) and encrypting an answer frame.

import { Encoder } from '@evan/opus';
import type davey from '@snazzah/davey';
import { DaveReceiveGuard, type DaveSessionView } from '../../src/voice/dave-guard.ts';
import { groupOf } from '../fakes/fake-discord/dave/group-of.ts';
import { interleave, speechLike } from '../helpers/signal-tools.ts';
import { type BenchSuite, consume, formatTable, type Measurement, measure } from './measure.ts';

const CHANNEL = '123456789012345678';
const WARMUP = 500;
const PER_RUN = 1_000;
const RUNS = 7;
/** davey refuses a frame it has decrypted before, so every decrypt needs its own encrypted frame. */
const FRAMES = WARMUP + PER_RUN * RUNS;
/** davey's MediaType.AUDIO. */
const MEDIA_AUDIO = 0;

function opusPackets(): Buffer[] {
  const encoder = new Encoder({ channels: 2, sample_rate: 48_000, application: 'voip' });
  encoder.bitrate = 64_000;
  const pcm = interleave(speechLike(48_000, 960 * 250, 3), speechLike(48_000, 960 * 250, 53));
  const out: Buffer[] = [];
  for (let at = 0; at + 1920 <= pcm.length; at += 1920)
    out.push(Buffer.from(encoder.encode(pcm.slice(at, at + 1920))));
  return out;
}

export const daveBench: BenchSuite = {
  name: 'DAVE end-to-end encryption (davey 0.1.12, AES-128-GCM)',
  run() {
    const [bot, human] = groupOf(CHANNEL, ['111', '222']) as [davey.DAVESession, davey.DAVESession];
    const packets = opusPackets();
    const packet = (i: number): Buffer => packets[i % packets.length] as Buffer;
    const incoming = Array.from({ length: FRAMES }, (_, i) => human.encryptOpus(packet(i)));
    const guard = new DaveReceiveGuard(
      () => ({ protocolVersion: 1, session: bot }) as DaveSessionView,
      () => performance.now(),
    );
    const options = { warmupFrames: WARMUP, framesPerRun: PER_RUN, runs: RUNS };
    const rows: Measurement[] = [
      measure(
        'speaker frame: davey decrypt',
        (i) => consume(bot.decrypt('222', MEDIA_AUDIO, incoming[i] as Buffer)),
        options,
      ),
      measure(
        'speaker frame: our guard (frame check)',
        (i) => consume([guard.admit('222', packet(i))]),
        options,
      ),
      measure('answer frame: davey encryptOpus', (i) => consume(bot.encryptOpus(packet(i))), options),
    ];
    console.log(formatTable(rows));
    const size = packets.reduce((n, p) => n + p.length, 0) / packets.length;
    const overhead = incoming.slice(0, 100).reduce((n, f, i) => n + f.length - packet(i).length, 0) / 100;
    console.log(
      `\nOpus ${size.toFixed(0)} B per frame at 64 kb/s; the DAVE footer adds ${overhead.toFixed(1)} B.`,
    );
  },
};
