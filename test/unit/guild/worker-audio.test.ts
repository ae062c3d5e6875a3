import { afterEach, describe, expect, it } from 'vitest';
import { createOpusCodec } from '../../../src/codec/create-opus-codec.ts';
import { inlineAudio } from '../../../src/guild/audio-offload.ts';
import { WorkerAudio } from '../../../src/guild/worker-audio.ts';
import { createLogger } from '../../../src/log.ts';
import { geminiAnswer, tone } from '../../fakes/tones.ts';
import { opusPackets } from '../../helpers/opus-packets.ts';
import { until } from '../../helpers/wait.ts';

const codec = createOpusCodec();
const log = createLogger({ level: 'silent', secrets: [] });

const packetsOf = (freq: number, frames: number) => opusPackets(codec, tone(freq, frames * 20));

let audio: WorkerAudio | null = null;
afterEach(async () => {
  await audio?.close();
  audio = null;
});

describe('WorkerAudio', () => {
  it('GIVEN two speakers decoded in the worker THEN each gets, in order, exactly what inline decoding gives', async () => {
    audio = new WorkerAudio(codec, log);
    const alice = packetsOf(300, 40);
    const bob = packetsOf(700, 40);
    const got = new Map<string, Int16Array[]>();
    const up = audio.uplink((user, decoded) => got.set(user, [...(got.get(user) ?? []), decoded.pcm]));
    const wanted = new Map<string, Int16Array[]>();
    const reference = inlineAudio(codec).uplink((user, decoded) =>
      wanted.set(user, [...(wanted.get(user) ?? []), decoded.pcm]),
    );
    for (let i = 0; i < 40; i++) {
      up.push('alice', alice[i]!);
      up.push('bob', bob[i]!);
      reference.push('alice', alice[i]!);
      reference.push('bob', bob[i]!);
    }
    await until(
      () => (got.get('alice')?.length ?? 0) === 40 && (got.get('bob')?.length ?? 0) === 40,
      '80 frames',
    );
    expect(got.get('alice')).toEqual(wanted.get('alice'));
    expect(got.get('bob')).toEqual(wanted.get('bob'));
    expect(audio.kind).toBe('worker thread');
    up.close();
    reference.close();
  });

  it('GIVEN a speaker forgotten while the worker still decodes their packets THEN none of those frames is delivered, later ones are', async () => {
    audio = new WorkerAudio(codec, log);
    const alice = packetsOf(300, 10);
    const bob = packetsOf(700, 10);
    const got: string[] = [];
    const up = audio.uplink((user) => got.push(user));
    for (let i = 0; i < 5; i++) {
      up.push('alice', alice[i]!);
      up.push('bob', bob[i]!);
    }
    up.forget('alice'); // she opted out: the five frames on their way are hers from before
    for (let i = 5; i < 10; i++) up.push('bob', bob[i]!);
    await until(() => got.filter((u) => u === 'bob').length === 10, "bob's 10 frames");
    expect(got.filter((u) => u === 'alice')).toEqual([]);
    // She opts in again: her next packets are heard.
    for (let i = 5; i < 8; i++) up.push('alice', alice[i]!);
    await until(() => got.filter((u) => u === 'alice').length === 3, "alice's 3 new frames");
    up.close();
  });

  it('GIVEN a barge-in while the worker still encodes THEN nothing of the old answer is delivered after it', async () => {
    audio = new WorkerAudio(codec, log);
    const delivered: { packets: number; flushed: boolean; afterReset: boolean }[] = [];
    let reset = false;
    const down = audio.downlink((packets, flushed) =>
      delivered.push({ packets: packets.length, flushed, afterReset: reset }),
    );
    const answer = geminiAnswer(600, 2000);
    for (let i = 0; i < 20; i++) down.push(answer.subarray(i * 2400, (i + 1) * 2400));
    down.reset();
    reset = true;
    down.push(answer.subarray(0, 2400)); // 100 ms of a new answer
    down.flush();
    await until(() => delivered.some((d) => d.flushed), 'the flush');
    const afterReset = delivered.filter((d) => d.afterReset);
    // Exactly the new 100 ms arrives after the reset (5 packets, the last completed by the flush).
    expect(afterReset.reduce((n, d) => n + d.packets, 0)).toBe(5);
    down.close();
  });

  it('GIVEN a worker that dies THEN audio keeps flowing on the main thread', async () => {
    audio = new WorkerAudio(codec, log, new URL('./fixtures/crashing-worker.ts', import.meta.url));
    await until(() => audio?.kind.startsWith('inline') === true, 'the worker failure to be noticed');
    let frames = 0;
    const up = audio.uplink(() => {
      frames += 1;
    });
    for (const packet of packetsOf(440, 10)) up.push('alice', packet);
    expect(frames).toBe(10);
    up.close();
  });
});
