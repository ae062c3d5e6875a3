// The child-process runner: pino lines read as they come, waits that fail fast, a kill that escalates.
import { describe, expect, it } from 'vitest';
import { startNodeChild } from '../../helpers/node-child.ts';

/** Runs `code` with `node -e`, killed after 10 s whatever happens. */
const node = (code: string) =>
  startNodeChild({ args: ['-e', code], name: 'the script', killAfterMs: 10_000 });

describe('startNodeChild', () => {
  it('GIVEN JSON and plain lines split across writes THEN logs holds each line once, parsed', async () => {
    const child = node(
      `process.stdout.write('{"msg":"a","n"'); setTimeout(() => process.stdout.write(':1}\\nplain\\n'), 50);`,
    );
    const line = await child.waitForLog((l) => l.msg === 'a', 'the first log line');
    expect(line).toEqual({ msg: 'a', n: 1 });
    await child.finished;
    expect(child.logs).toEqual([{ msg: 'a', n: 1 }, { msg: 'plain' }]);
    expect(child.stdout).toBe('{"msg":"a","n":1}\nplain\n');
  });

  it('GIVEN a child that exits without the line THEN the wait rejects at once, quoting its stderr', async () => {
    const child = node(`console.error('config is broken'); process.exit(3);`);
    const started = performance.now();
    await expect(child.waitForLine((l) => l === 'ready', '"ready"', 10_000)).rejects.toThrow(
      /the script exited \(code 3, signal null\) before "ready": config is broken/,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('GIVEN a child that never writes the line THEN the wait times out naming what it waited for', async () => {
    const child = node('setTimeout(() => {}, 60_000);');
    try {
      await expect(child.waitForLine(() => true, 'any line', 200)).rejects.toThrow(
        'timed out after 200 ms waiting for any line from the script',
      );
    } finally {
      await child.kill(0);
    }
  });

  it('GIVEN a child that ignores SIGTERM THEN kill() sends SIGKILL after the grace period', async () => {
    const child = node(`process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1_000);`);
    await child.waitForLine((l) => l === 'up', '"up"');
    const exit = await child.kill(300);
    expect(exit.signal).toBe('SIGKILL');
    expect(child.exit()).toBe(exit);
  });

  it('GIVEN killAfterMs THEN a child that hangs is killed', async () => {
    const child = startNodeChild({ args: ['-e', 'setInterval(() => {}, 1_000);'], killAfterMs: 300 });
    expect((await child.finished).signal).toBe('SIGKILL');
  });
});
