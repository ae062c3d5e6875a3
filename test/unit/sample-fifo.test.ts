import { describe, expect, it } from 'vitest';
import { SampleFifo } from '../../src/audio/sample-fifo.ts';

const ramp = (from: number, n: number) => Int16Array.from({ length: n }, (_, i) => from + i);

describe('SampleFifo', () => {
  it('GIVEN writes of odd sizes across the ring edge and growth THEN reads return every sample in order', () => {
    const fifo = new SampleFifo(16);
    const out: number[] = [];
    let next = 0;
    const frame = new Int16Array(7);
    for (let round = 0; round < 200; round++) {
      const size = (round * 13) % 23;
      fifo.write(ramp(next, size));
      next += size;
      while (fifo.length >= frame.length) {
        expect(fifo.readInto(frame)).toBe(7);
        out.push(...frame);
      }
    }
    const rest = new Int16Array(fifo.length);
    fifo.readInto(rest);
    out.push(...rest);
    expect(out).toEqual(Array.from(ramp(0, next)));
  });

  it('GIVEN fewer samples than asked THEN the remainder is zero and the count says so', () => {
    const fifo = new SampleFifo();
    fifo.write(Int16Array.of(5, 6));
    const out = Int16Array.of(9, 9, 9, 9);
    expect(fifo.readInto(out)).toBe(2);
    expect(Array.from(out)).toEqual([5, 6, 0, 0]);
    expect(fifo.length).toBe(0);
  });

  it('GIVEN a discard THEN the oldest samples go first', () => {
    const fifo = new SampleFifo(16);
    fifo.write(ramp(0, 10));
    fifo.discard(4);
    const out = new Int16Array(6);
    fifo.readInto(out);
    expect(Array.from(out)).toEqual([4, 5, 6, 7, 8, 9]);
  });
});
