// Child process for concurrent.test.ts: opens the shared store file, waits for "go", then writes.
// argv: <dbPath or postgres:// URL> <label> <iterations> <nowMs>
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { openStore } from '../../../src/store/store.ts';

const [path, label, iterationsArg, nowArg] = process.argv.slice(2);
if (path === undefined || label === undefined || iterationsArg === undefined || nowArg === undefined) {
  throw new Error('usage: concurrent-writer.ts <dbPath> <label> <iterations> <nowMs>');
}
const iterations = Number(iterationsArg);
const now = Number(nowArg);

const clock = { now: () => now };
const store = await openStore(
  path.startsWith('postgres://') ? { databaseUrl: path, clock } : { path, clock },
);
process.stdout.write('ready\n');

const lines = createInterface({ input: process.stdin });
lines.once('line', async () => {
  const startedAt = performance.timeOrigin + performance.now();
  for (let i = 0; i < iterations; i++) {
    await store.usage.add('guild-shared', {
      voiceSeconds: 1,
      promptTokens: 1,
      responseTokens: 2,
      totalTokens: 3,
    });
    if (i % 10 === 0) await store.optOuts.add(`${label}-${i}`);
    if (i % 50 === 0) await store.settings.update('guild-shared', { idleLeaveSeconds: i });
  }
  await store.handles.save('guild-shared', `handle-${label}`);
  const endedAt = performance.timeOrigin + performance.now();
  await store.close();
  // The wall-clock window of the writes, in ms, so the test can check the writers overlapped.
  process.stdout.write(`done ${startedAt} ${endedAt}\n`);
  lines.close();
});
