import { expect, it } from 'vitest';
import { describeBackends, useTempStore } from './temp-store.ts';

const ALICE = '500000000000000001';
const BOB = '500000000000000002';

describeBackends('opt-outs', (target) => {
  const t = useTempStore(target, '2026-05-10T12:00:00Z');

  it('GIVEN nobody opted out THEN has is false', () => {
    expect(t.store().optOuts.has(ALICE)).toBe(false);
  });

  it('GIVEN a user opts out THEN has is true for them only, and a second opt-out reports no change', async () => {
    expect(await t.store().optOuts.add(ALICE)).toBe(true);
    expect(t.store().optOuts.has(ALICE)).toBe(true);
    expect(t.store().optOuts.has(BOB)).toBe(false);
    expect(await t.store().optOuts.add(ALICE)).toBe(false);
  });

  it('GIVEN an opted-out user opts back in THEN has is false at once, and a second opt-in reports no change', async () => {
    await t.store().optOuts.add(ALICE);
    expect(await t.store().optOuts.remove(ALICE)).toBe(true);
    expect(t.store().optOuts.has(ALICE)).toBe(false);
    expect(await t.store().optOuts.remove(ALICE)).toBe(false);
  });

  it('GIVEN a restart THEN opt-outs are remembered', async () => {
    await t.store().optOuts.add(ALICE);
    expect((await t.reopen()).optOuts.has(ALICE)).toBe(true);
  });

  it('GIVEN an opt-out then an opt-in made in another process THEN each reaches this one, with an event', async () => {
    const other = await t.another();
    const seen: Array<[string, boolean]> = [];
    t.store().events.on('optOut', (userId, optedOut) => seen.push([userId, optedOut]));
    await other.optOuts.add(BOB);
    await expect.poll(() => t.store().optOuts.has(BOB), { timeout: 5_000, interval: 5 }).toBe(true);
    await other.optOuts.remove(BOB);
    await expect.poll(() => t.store().optOuts.has(BOB), { timeout: 5_000, interval: 5 }).toBe(false);
    expect(seen).toEqual([
      [BOB, true],
      [BOB, false],
    ]);
  });

  it('GIVEN 10,000 opted-out users THEN has finds each one from memory, and a new process loads them all', async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => String(600_000_000_000_000_000n + BigInt(i)));
    for (let i = 0; i < ids.length; i += 1_000) {
      const batch = ids.slice(i, i + 1_000);
      await target().query(
        `INSERT INTO opt_outs (user_id, opted_out_at) VALUES ${batch.map(() => '(?, 0)').join(', ')}`,
        batch,
      );
    }
    const fresh = await t.another();
    let found = 0;
    for (let i = 0; i < 20_000; i++)
      if (fresh.optOuts.has(String(600_000_000_000_000_000n + BigInt(i)))) found++;
    expect(found).toBe(10_000);
  });
});
