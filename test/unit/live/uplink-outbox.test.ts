import { describe, expect, it } from 'vitest';
import { Chunker, Outbox } from '../../../src/live/uplink-outbox.ts';

const ramp = (start: number, length: number) => Int16Array.from({ length }, (_, i) => start + i);

describe('Chunker', () => {
  it('GIVEN uneven writes THEN chunks have exactly the configured length and keep every sample in order', () => {
    const chunker = new Chunker(20);
    const chunks = [...chunker.push(ramp(0, 500)), ...chunker.push(ramp(500, 200))];
    expect(chunks.map((chunk) => chunk.length)).toEqual([320, 320]);
    const rest = chunker.flush();
    expect(rest?.length).toBe(60);
    expect(Int16Array.from([...chunks.flatMap((chunk) => [...chunk]), ...(rest ?? [])])).toEqual(
      ramp(0, 700),
    );
    expect(chunker.flush()).toBeNull();
  });
});

describe('Outbox', () => {
  it('GIVEN more audio than the bound THEN the oldest audio is dropped and counted, other items stay in order', () => {
    const outbox = new Outbox(40);
    outbox.push({ kind: 'audio', samples: ramp(0, 320) });
    outbox.push({ kind: 'text', text: 'hi' });
    outbox.push({ kind: 'audio', samples: ramp(320, 320) });
    outbox.push({ kind: 'audio', samples: ramp(640, 320) });
    expect(outbox.droppedSamples).toBe(320);
    expect(outbox.largestSamples).toBe(640);
    const items = outbox.drain();
    expect(items.map((item) => item.kind)).toEqual(['text', 'audio', 'audio']);
    expect(items[1]).toEqual({ kind: 'audio', samples: ramp(320, 320) });
    expect(outbox.size).toBe(0);
    expect(outbox.audioSamples).toBe(0);
  });
});
