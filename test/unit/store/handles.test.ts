import { expect, it } from 'vitest';
import { HANDLE_MAX_AGE_MS } from '../../../src/store/handles.ts';
import { describeBackends, useTempStore } from './temp-store.ts';
import { GUILD, OTHER_GUILD } from './test-ids.ts';

const MINUTE_MS = 60_000;

describeBackends('resumption handles', (target) => {
  const t = useTempStore(target, '2026-05-10T12:00:00Z');

  it('GIVEN no handle saved THEN latest is null', async () => {
    expect(await t.store().handles.latest(GUILD)).toBeNull();
  });

  it('GIVEN a saved handle THEN latest returns it with the time it was saved', async () => {
    await t.store().handles.save(GUILD, 'h-1');
    expect(await t.store().handles.latest(GUILD)).toEqual({
      handle: 'h-1',
      savedAt: Date.parse('2026-05-10T12:00:00Z'),
    });
    expect(await t.store().handles.latest(OTHER_GUILD)).toBeNull();
  });

  it('GIVEN a newer handle THEN it replaces the older one', async () => {
    await t.store().handles.save(GUILD, 'h-1');
    t.clock().advance(5 * MINUTE_MS);
    await t.store().handles.save(GUILD, 'h-2');
    expect((await t.store().handles.latest(GUILD))?.handle).toBe('h-2');
  });

  it('GIVEN the default lifetime THEN it stays under the ~2 h handle validity', () => {
    expect(HANDLE_MAX_AGE_MS).toBeLessThan(120 * MINUTE_MS);
    expect(HANDLE_MAX_AGE_MS).toBeGreaterThanOrEqual(100 * MINUTE_MS);
  });

  it('GIVEN a handle just inside its lifetime THEN it is returned; just past it THEN null', async () => {
    await t.store().handles.save(GUILD, 'h-1');
    t.clock().advance(HANDLE_MAX_AGE_MS);
    expect((await t.store().handles.latest(GUILD))?.handle).toBe('h-1');
    t.clock().advance(1);
    expect(await t.store().handles.latest(GUILD)).toBeNull();
  });

  it('GIVEN a custom max age THEN it is honoured', async () => {
    await t.store().handles.save(GUILD, 'h-1');
    t.clock().advance(10 * MINUTE_MS);
    expect((await t.store().handles.latest(GUILD, 15 * MINUTE_MS))?.handle).toBe('h-1');
    expect(await t.store().handles.latest(GUILD, 5 * MINUTE_MS)).toBeNull();
  });

  it('GIVEN the bot restarts THEN the handle is still there (the resume-after-restart case)', async () => {
    await t.store().handles.save(GUILD, 'h-restart');
    t.clock().advance(30 * MINUTE_MS);
    expect((await (await t.reopen()).handles.latest(GUILD))?.handle).toBe('h-restart');
  });

  it('GIVEN a handle saved by another process THEN this one resumes it', async () => {
    const other = await t.another();
    await other.handles.save(GUILD, 'h-from-other-host');
    expect((await t.store().handles.latest(GUILD))?.handle).toBe('h-from-other-host');
  });

  it('GIVEN clear THEN the guild has no handle and other guilds keep theirs', async () => {
    await t.store().handles.save(GUILD, 'h-1');
    await t.store().handles.save(OTHER_GUILD, 'h-other');
    await t.store().handles.clear(GUILD);
    expect(await t.store().handles.latest(GUILD)).toBeNull();
    expect((await t.store().handles.latest(OTHER_GUILD))?.handle).toBe('h-other');
  });

  it('GIVEN an empty handle THEN save refuses it', async () => {
    await expect(t.store().handles.save(GUILD, '')).rejects.toThrowError(
      expect.objectContaining({ code: 'STORE_INVALID_HANDLE' }),
    );
  });
});
