// The usage meter against a real PostgreSQL that goes away: no voice time is lost, the session lives.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GuildSession } from '../../../src/guild/guild-session.ts';
import { usageMeter } from '../../../src/guild/usage-meter.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { manualClock } from '../../helpers/manual-clock.ts';
import { type PostgresServer, startPostgres } from '../../helpers/postgres-server.ts';
import { recordingLogger } from '../../helpers/recording-logger.ts';

const GUILD = '111111111111111111';
const INTERVAL_MS = 10_000;

let server: PostgresServer;
let store: Store;
beforeAll(async () => {
  server = await startPostgres();
  store = await openStore({ databaseUrl: await server.createDatabase() });
}, 60_000);
afterAll(async () => {
  await store?.close();
  await server?.destroy();
});

it('GIVEN the database away for two meter ticks THEN the session goes on and the voice time is written once it is back', async () => {
  const { clock, advanceBy } = manualClock();
  const log = recordingLogger();
  const ended: unknown[] = [];
  const session = { guildId: GUILD, end: async (reason: unknown) => void ended.push(reason) };
  const meter = usageMeter({ store, clock, log: log.logger, intervalMs: INTERVAL_MS });
  const voiceSeconds = async () => (await store.usage.today(GUILD)).voiceSeconds;
  /** One meter tick, then the stored voice seconds once they reach `expected`. */
  const tick = async (expected: number) => {
    advanceBy(INTERVAL_MS);
    await expect.poll(() => voiceSeconds().catch(() => -1), { timeout: 10_000 }).toBe(expected);
  };

  meter.attach?.(session as unknown as GuildSession);
  await tick(10);

  await server.stop();
  for (let i = 0; i < 2; i++) {
    advanceBy(INTERVAL_MS);
    await expect
      .poll(() => log.lines.filter((l) => l.msg === 'voice time not saved yet').length, { timeout: 10_000 })
      .toBe(i + 1);
  }
  expect(log.lines.filter((l) => l.msg === 'voice time not saved yet').at(-1)).toMatchObject({
    unsavedMs: 20_000,
  });

  await server.start();
  // The 20 s it could not write while the database was away, and the next 10 s.
  await tick(40);
  await meter.ended?.(session as unknown as GuildSession, { code: 'TEST', message: 'done' });
  expect(ended).toEqual([]);
});
