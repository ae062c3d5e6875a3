import { describe, expect, it } from 'vitest';
import { retryWhileBusy } from '../../../src/store/busy-retry.ts';

function sqliteError(errcode: number): Error {
  return Object.assign(new Error(errcode === 5 ? 'database is locked' : 'no such table'), { errcode });
}

describe('retryWhileBusy', () => {
  it('GIVEN a step that is busy twice THEN the third attempt’s result is returned', () => {
    let attempts = 0;
    const result = retryWhileBusy(() => {
      attempts++;
      if (attempts < 3) throw sqliteError(5);
      return 'wal';
    }, 5_000);
    expect(result).toBe('wal');
    expect(attempts).toBe(3);
  });

  it('GIVEN an error other than SQLITE_BUSY THEN it is thrown at once', () => {
    let attempts = 0;
    expect(() =>
      retryWhileBusy(() => {
        attempts++;
        throw sqliteError(1);
      }, 5_000),
    ).toThrow('no such table');
    expect(attempts).toBe(1);
  });

  it('GIVEN a step that stays busy THEN the busy error is thrown once the timeout has passed', () => {
    let now = 0;
    let attempts = 0;
    expect(() =>
      retryWhileBusy(
        () => {
          attempts++;
          now += 40;
          throw sqliteError(5);
        },
        100,
        () => now,
      ),
    ).toThrow('database is locked');
    expect(attempts).toBe(3);
  });
});
