// Changes reach other processes (PostgreSQL: LISTEN/NOTIFY; SQLite: polling), and outages are survived.
import { expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { DEFAULT_SETTINGS } from '../../../src/store/settings-schema.ts';
import { describeBackends, useTempStore } from './temp-store.ts';
import { GUILD } from './test-ids.ts';

const ALICE = '500000000000000001';
const BOB = '500000000000000002';

/** Resolves with how long `check` took to become true, checked on every turn of the event loop. */
async function timeUntil(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

describeBackends('change feed', (target) => {
  const t = useTempStore(target, '2026-05-10T12:00:00Z');

  it('GIVEN a guild this process has read THEN another process changing it updates current(), with an event', async () => {
    const other = await t.another();
    await t.store().settings.get(GUILD);
    const changed: string[] = [];
    t.store().events.on('settings', (guildId) => changed.push(guildId));
    await other.settings.update(GUILD, { voiceName: 'Kore', idleLeaveSeconds: 7 });
    await timeUntil(() => t.store().settings.current(GUILD).voiceName === 'Kore', 5_000);
    expect(t.store().settings.current(GUILD).idleLeaveSeconds).toBe(7);
    expect(changed).toEqual([GUILD]);
    await other.settings.reset(GUILD);
    await timeUntil(() => t.store().settings.current(GUILD).voiceName === DEFAULT_SETTINGS.voiceName, 5_000);
  });
});

describeBackends(
  'LISTEN/NOTIFY',
  (target) => {
    const t = useTempStore(target, '2026-05-10T12:00:00Z');

    it('GIVEN opt-outs and an opt-in in another process THEN this one knows each within 100 ms of the command returning', async () => {
      const other = await t.another();
      const delays: number[] = [];
      for (const userId of [ALICE, BOB]) {
        await other.optOuts.add(userId);
        delays.push(await timeUntil(() => t.store().optOuts.has(userId), 1_000));
      }
      await other.optOuts.remove(ALICE);
      delays.push(await timeUntil(() => !t.store().optOuts.has(ALICE), 1_000));
      expect(Math.max(...delays)).toBeLessThan(100);
    });

    it('GIVEN the server stops THEN memory still answers, health says unreachable; once it is back everything works again', async () => {
      const store = await t.another({ watchIntervalMs: 50 });
      const other = await t.another({ watchIntervalMs: 50 });
      await store.optOuts.add(ALICE);
      await store.settings.update(GUILD, { voiceName: 'Kore' });
      const reach: boolean[] = [];
      store.events.on('reachable', (up) => reach.push(up));

      await target().server?.stop();
      await timeUntil(() => !store.reachable(), 5_000);
      expect(store.optOuts.has(ALICE)).toBe(true);
      expect(store.settings.current(GUILD).voiceName).toBe('Kore');
      expect(await store.health()).toMatchObject({ kind: 'postgres', reachable: false, schemaVersion: null });
      await expect(store.settings.get(GUILD)).rejects.toThrow();
      // An outage longer than one reconnect attempt: the LISTEN connection's retry fails too.
      await new Promise((resolve) => setTimeout(resolve, 1_500));

      await target().server?.start();
      await timeUntil(() => store.reachable(), 10_000);
      expect(reach).toEqual([false, true]);
      expect(await store.health()).toMatchObject({ reachable: true, schemaVersion: SCHEMA_VERSION });
      // The LISTEN connection came back too: another process's change is heard again.
      await other.optOuts.add(BOB);
      await timeUntil(() => store.optOuts.has(BOB), 5_000);
      expect((await store.settings.get(GUILD)).voiceName).toBe('Kore');
    });
  },
  ['postgres'],
);
