import { describe, expect, it } from 'vitest';
import { Rechunker } from '../../../src/audio/chunker.ts';
import { speechLike } from '../../helpers/signal-tools.ts';

describe('Rechunker', () => {
  it.each([1, 7, 160, 320, 333, 640, 960, 2000])(
    'GIVEN input in pieces of %i THEN it leaves in exact 640-sample chunks that concatenate to the input',
    (piece) => {
      const input = speechLike(16_000, 6_700, 2);
      const chunker = new Rechunker(640);
      const chunks: Int16Array[] = [];
      for (let offset = 0; offset < input.length; offset += piece) {
        chunks.push(...chunker.push(input.subarray(offset, offset + piece)));
      }
      expect(chunks.map((c) => c.length)).toEqual(Array.from({ length: 10 }, () => 640));
      expect(chunker.pendingSamples).toBe(300);
      const rest = chunker.flush();
      expect(rest?.length).toBe(300);
      const joined = new Int16Array(input.length);
      let at = 0;
      for (const chunk of [...chunks, rest!]) {
        joined.set(chunk, at);
        at += chunk.length;
      }
      expect(joined).toEqual(input);
      expect(chunker.flush()).toBeNull();
    },
  );

  it('GIVEN the caller reuses its input buffer THEN chunks already handed out do not change', () => {
    const chunker = new Rechunker(4);
    const buffer = Int16Array.of(1, 2, 3, 4, 5, 6);
    const [first] = chunker.push(buffer);
    buffer.fill(0);
    expect(Array.from(first!)).toEqual([1, 2, 3, 4]);
    const [second] = chunker.push(Int16Array.of(7, 8));
    expect(Array.from(second!)).toEqual([5, 6, 7, 8]);
  });

  it('GIVEN a reset THEN held-back samples are dropped', () => {
    const chunker = new Rechunker(4);
    chunker.push(Int16Array.of(1, 2, 3));
    chunker.reset();
    expect(chunker.pendingSamples).toBe(0);
    expect(Array.from(chunker.push(Int16Array.of(9, 9, 9, 9))[0]!)).toEqual([9, 9, 9, 9]);
  });

  it('GIVEN a chunk size that is not a positive integer THEN construction fails', () => {
    expect(() => new Rechunker(0)).toThrow(RangeError);
    expect(() => new Rechunker(1.5)).toThrow(RangeError);
  });
});
