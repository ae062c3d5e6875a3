import { describe, expect, it } from 'vitest';
import { HANDLE_MAX_AGE_MS } from '../../../src/store/handles.ts';
import { useTempStore } from './temp-store.ts';

const GUILD = '111111111111111111';
const OTHER_GUILD = '333333333333333333';
const MINUTE_MS = 60_000;

describe('resumption handles', () => {
  const t = useTempStore('2026-05-10T12:00:00Z');

  it('GIVEN no handle saved THEN latest is null', () => {
    expect(t.store().handles.latest(GUILD)).toBeNull();
  });

  it('GIVEN a saved handle THEN latest returns it with the time it was saved', () => {
    t.store().handles.save(GUILD, 'h-1');
    expect(t.store().handles.latest(GUILD)).toEqual({
      handle: 'h-1',
      savedAt: Date.parse('2026-05-10T12:00:00Z'),
    });
    expect(t.store().handles.latest(OTHER_GUILD)).toBeNull();
  });

  it('GIVEN a newer handle THEN it replaces the older one', () => {
    t.store().handles.save(GUILD, 'h-1');
    t.clock().advance(5 * MINUTE_MS);
    t.store().handles.save(GUILD, 'h-2');
    expect(t.store().handles.latest(GUILD)?.handle).toBe('h-2');
  });

  it('GIVEN the default lifetime THEN it stays under the ~2 h handle validity', () => {
    expect(HANDLE_MAX_AGE_MS).toBeLessThan(120 * MINUTE_MS);
    expect(HANDLE_MAX_AGE_MS).toBeGreaterThanOrEqual(100 * MINUTE_MS);
  });

  it('GIVEN a handle just inside its lifetime THEN it is returned; just past it THEN null', () => {
    t.store().handles.save(GUILD, 'h-1');
    t.clock().advance(HANDLE_MAX_AGE_MS);
    expect(t.store().handles.latest(GUILD)?.handle).toBe('h-1');
    t.clock().advance(1);
    expect(t.store().handles.latest(GUILD)).toBeNull();
  });

  it('GIVEN a custom max age THEN it is honoured', () => {
    t.store().handles.save(GUILD, 'h-1');
    t.clock().advance(10 * MINUTE_MS);
    expect(t.store().handles.latest(GUILD, 15 * MINUTE_MS)?.handle).toBe('h-1');
    expect(t.store().handles.latest(GUILD, 5 * MINUTE_MS)).toBeNull();
  });

  it('GIVEN the bot restarts THEN the handle is still there (the resume-after-restart case)', () => {
    t.store().handles.save(GUILD, 'h-restart');
    t.clock().advance(30 * MINUTE_MS);
    expect(t.reopen().handles.latest(GUILD)?.handle).toBe('h-restart');
  });

  it('GIVEN clear THEN the guild has no handle and other guilds keep theirs', () => {
    t.store().handles.save(GUILD, 'h-1');
    t.store().handles.save(OTHER_GUILD, 'h-other');
    t.store().handles.clear(GUILD);
    expect(t.store().handles.latest(GUILD)).toBeNull();
    expect(t.store().handles.latest(OTHER_GUILD)?.handle).toBe('h-other');
  });

  it('GIVEN an empty handle THEN save refuses it', () => {
    expect(() => t.store().handles.save(GUILD, '')).toThrowError(
      expect.objectContaining({ code: 'STORE_INVALID_HANDLE' }),
    );
  });
});
