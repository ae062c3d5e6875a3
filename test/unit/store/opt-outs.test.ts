import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPT_OUT_LOOKUP_SQL } from '../../../src/store/opt-outs.ts';
import { openStore, type Store } from '../../../src/store/store.ts';
import { makeTempDir, type TempDir } from './temp-store.ts';

const ALICE = '500000000000000001';
const BOB = '500000000000000002';

describe('opt-outs', () => {
  let tmp: TempDir;
  let store: Store;
  beforeEach(() => {
    tmp = makeTempDir();
    store = openStore({ dataDir: tmp.dir });
  });
  afterEach(() => {
    store.close();
    tmp.remove();
  });

  it('GIVEN nobody opted out THEN has is false', () => {
    expect(store.optOuts.has(ALICE)).toBe(false);
  });

  it('GIVEN a user opts out THEN has is true for them only, and a second opt-out reports no change', () => {
    expect(store.optOuts.add(ALICE)).toBe(true);
    expect(store.optOuts.has(ALICE)).toBe(true);
    expect(store.optOuts.has(BOB)).toBe(false);
    expect(store.optOuts.add(ALICE)).toBe(false);
  });

  it('GIVEN an opted-out user opts back in THEN has is false, and a second opt-in reports no change', () => {
    store.optOuts.add(ALICE);
    expect(store.optOuts.remove(ALICE)).toBe(true);
    expect(store.optOuts.has(ALICE)).toBe(false);
    expect(store.optOuts.remove(ALICE)).toBe(false);
  });

  it('GIVEN an opt-out made through another open store on the same file THEN it applies at once', () => {
    const otherShard = openStore({ dataDir: tmp.dir });
    try {
      otherShard.optOuts.add(BOB);
      expect(store.optOuts.has(BOB)).toBe(true);
      store.optOuts.remove(BOB);
      expect(otherShard.optOuts.has(BOB)).toBe(false);
    } finally {
      otherShard.close();
    }
  });

  it('GIVEN a restart THEN opt-outs are remembered', () => {
    store.optOuts.add(ALICE);
    store.close();
    store = openStore({ dataDir: tmp.dir });
    expect(store.optOuts.has(ALICE)).toBe(true);
  });

  it('GIVEN 10,000 opted-out users THEN has finds each one through the primary key, not a scan', () => {
    for (let i = 0; i < 10_000; i++) store.optOuts.add(String(600_000_000_000_000_000n + BigInt(i)));
    let found = 0;
    for (let i = 0; i < 20_000; i++)
      if (store.optOuts.has(String(600_000_000_000_000_000n + BigInt(i)))) found++;
    expect(found).toBe(10_000);
    // Timing would not tell a scan (~170 µs at this size) from a lookup on a loaded machine;
    // the query plan does, deterministically.
    const db = new DatabaseSync(store.path, { readOnly: true });
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${OPT_OUT_LOOKUP_SQL}`).all('x') as { detail: string }[];
    db.close();
    expect(plan.map((row) => row.detail)).toEqual([
      expect.stringMatching(/^SEARCH opt_outs USING PRIMARY KEY/),
    ]);
  });
});
