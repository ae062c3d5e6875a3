// Shutdown: first ask wins, the stop's result is the exit code, a failure or a hang exits 1.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Shutdown } from '../../src/shutdown.ts';
import { recordingLogger } from '../helpers/recording-logger.ts';

function setUp(deadlineMs = 1_000) {
  const rec = recordingLogger();
  const exits: number[] = [];
  const exit = Promise.withResolvers<number>();
  const shutdown = new Shutdown(rec.logger, deadlineMs, (code) => {
    exits.push(code);
    exit.resolve(code);
  });
  return { rec, exits, exited: exit.promise, shutdown };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Shutdown', () => {
  it('GIVEN SIGTERM then SIGINT THEN one stop runs, and its code is the exit code', async () => {
    const { rec, exits, exited, shutdown } = setUp();
    let stops = 0;
    const stop = async () => {
      stops += 1;
      return 0;
    };
    expect(shutdown.started).toBe(false);
    shutdown.begin({ signal: 'SIGTERM' }, 'stopping', stop);
    shutdown.begin({ signal: 'SIGINT' }, 'stopping', async () => 1);
    expect(shutdown.started).toBe(true);
    expect(await exited).toBe(0);
    expect(stops).toBe(1);
    expect(exits).toEqual([0]);
    expect(rec.lines.map((l) => [l.msg, l.signal])).toEqual([['stopping', 'SIGTERM']]);
  });

  it('GIVEN a stop that throws THEN it is logged and the process exits 1', async () => {
    const { rec, exited, shutdown } = setUp();
    shutdown.begin({ why: 'SIGTERM' }, 'shutting down', async () => {
      throw new Error('gateway gone');
    });
    expect(await exited).toBe(1);
    expect(rec.lines.at(-1)).toMatchObject({ msg: 'shutdown failed', err: { message: 'gateway gone' } });
  });

  it('GIVEN a stop that never finishes THEN the deadline exits 1 and says why', async () => {
    vi.useFakeTimers();
    const { rec, exits, shutdown } = setUp(10_000);
    shutdown.begin({ why: 'SIGTERM' }, 'shutting down', () => new Promise<number>(() => {}));
    vi.advanceTimersByTime(9_999);
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(exits).toEqual([1]);
    expect(rec.lines.at(-1)).toMatchObject({ level: 50, msg: 'shutdown took too long; exiting anyway' });
  });
});
