import { describe, expect, it } from 'vitest';
import { PostBatcher } from '../../../src/guild/post-batcher.ts';
import { TransferArena } from '../../../src/guild/transfer-arena.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TransferArena', () => {
  it('GIVEN packets and PCM copied in THEN each copy is equal, aligned, and they share one transferable chunk', () => {
    const arena = new TransferArena();
    const packet = Uint8Array.from([1, 2, 3]);
    const pcm = Int16Array.from([-32768, 0, 32767, 5]);
    const a = arena.copy(packet);
    const b = arena.copy(pcm);
    packet[0] = 9; // the copy does not follow its source
    expect([...a]).toEqual([1, 2, 3]);
    expect([...b]).toEqual([-32768, 0, 32767, 5]);
    expect(b.byteOffset % 8).toBe(0);
    expect(a.buffer).toBe(b.buffer);
    const chunks = arena.take();
    expect(chunks).toEqual([a.buffer]);
    // After take, new views come from a new chunk (the old one is about to be transferred).
    expect(arena.copy(packet).buffer).not.toBe(a.buffer);
  });

  it('GIVEN a payload larger than a chunk THEN it gets a chunk of its own and nothing is cut', () => {
    const arena = new TransferArena();
    const big = new Int16Array(20_000).map((_, i) => i);
    const copy = arena.copy(big);
    expect(copy).toEqual(big);
    expect(arena.take()).toHaveLength(1);
  });
});

describe('PostBatcher', () => {
  it('GIVEN messages added in one turn THEN they are posted once, in order, with their chunks to transfer', async () => {
    const posted: { messages: number[]; transfer: ArrayBuffer[] }[] = [];
    const batcher = new PostBatcher<number>((messages, transfer) => posted.push({ messages, transfer }), {
      autoFlush: true,
    });
    batcher.arena.copy(new Uint8Array(10));
    for (const n of [1, 2, 3]) batcher.add(n);
    expect(posted).toHaveLength(0); // nothing waits for a timer, but nothing goes before the turn ends
    await nextTurn();
    expect(posted).toHaveLength(1);
    expect(posted[0]?.messages).toEqual([1, 2, 3]);
    expect(posted[0]?.transfer).toHaveLength(1);
    batcher.add(4);
    await nextTurn();
    expect(posted.map((p) => p.messages)).toEqual([[1, 2, 3], [4]]);
  });

  it('GIVEN manual flushing THEN only flush posts, and an empty flush posts nothing', () => {
    const posted: number[][] = [];
    const batcher = new PostBatcher<number>((messages) => posted.push(messages), { autoFlush: false });
    batcher.flush();
    batcher.add(7);
    batcher.add(8);
    expect(posted).toEqual([]);
    batcher.flush();
    expect(posted).toEqual([[7, 8]]);
  });
});
