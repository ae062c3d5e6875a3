// Identify spacing through the database: hosts sharing it never identify in one bucket too closely.
import { expect, it } from 'vitest';
import { IDENTIFY_SPACING_MS } from '../../../src/store/identify-slots.ts';
import { describeBackends, useTempStore } from './temp-store.ts';

/** Short, so the test runs in a second; the real spacing is checked on its own below. */
const SPACING_MS = 300;

describeBackends('identify slots', (target) => {
  const t = useTempStore(target, '2026-05-10T12:00:00Z');

  it('GIVEN two hosts claiming one bucket three times each at once THEN every claim is a full spacing after the previous', async () => {
    const hostB = await t.another();
    const claimedAt: number[] = [];
    const claims = [t.store(), hostB].flatMap((store) =>
      [1, 2, 3].map(async () => {
        await store.identify.claim(0, undefined, SPACING_MS);
        claimedAt.push(performance.now());
      }),
    );
    await Promise.all(claims);
    claimedAt.sort((a, b) => a - b);
    const gaps = claimedAt.slice(1).map((at, i) => at - (claimedAt[i] ?? 0));
    // 10 ms of slack: the database's clock and this one tick separately.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(SPACING_MS - 10);
  });

  it('GIVEN different buckets THEN neither waits for the other', async () => {
    const started = performance.now();
    await Promise.all([0, 1, 2, 3].map((bucket) => t.store().identify.claim(bucket, undefined, 5_000)));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('GIVEN a waiting claim whose signal aborts THEN it rejects without claiming', async () => {
    await t.store().identify.claim(0, undefined, 60_000);
    const abort = new AbortController();
    const waiting = t.store().identify.claim(0, abort.signal, 60_000);
    setTimeout(() => abort.abort(new Error('shard destroyed')), 50);
    await expect(waiting).rejects.toThrow('shard destroyed');
  });

  it('GIVEN the default spacing THEN it is more than Discord’s 5 s per bucket', () => {
    expect(IDENTIFY_SPACING_MS).toBeGreaterThan(5_000);
  });
});
