import { describe, expect, it } from 'vitest';
import { ToolError } from '../../../src/errors.ts';
import { ReminderScheduler } from '../../../src/tools/reminders.ts';
import { manualClock, recordingLogger, until } from './helpers.ts';

function setup(maxPerGuild?: number) {
  const { logger, lines } = recordingLogger();
  const time = manualClock();
  const reminders = new ReminderScheduler({
    clock: time.clock,
    wallClock: () => new Date(time.clock.now()),
    logger,
    ...(maxPerGuild === undefined ? {} : { maxPerGuild }),
  });
  return { reminders, time, lines };
}

describe('ReminderScheduler', () => {
  it('GIVEN reminders in two guilds THEN each fires once at its time, and pending lists soonest first', () => {
    const { reminders, time } = setup();
    const fired: string[] = [];
    const schedule = (guildId: string, text: string, delayMs: number) =>
      reminders.schedule({ guildId, text, delayMs, deliver: async () => void fired.push(text) });
    schedule('g1', 'later', 5000);
    schedule('g1', 'sooner', 1000);
    schedule('g2', 'other', 3000);
    expect(reminders.pending('g1').map((r) => [r.text, r.dueAt.getTime()])).toEqual([
      ['sooner', 1000],
      ['later', 5000],
    ]);
    time.advance(3000);
    expect(fired).toEqual(['sooner', 'other']);
    time.advance(10_000);
    expect(fired).toEqual(['sooner', 'other', 'later']);
    expect(reminders.pending('g1')).toEqual([]);
  });

  it('GIVEN a guild at its limit THEN another reminder is refused with a ToolError, other guilds unaffected', () => {
    const { reminders } = setup(2);
    const deliver = async () => {};
    reminders.schedule({ guildId: 'g1', text: 'a', delayMs: 1, deliver });
    reminders.schedule({ guildId: 'g1', text: 'b', delayMs: 1, deliver });
    expect(() => reminders.schedule({ guildId: 'g1', text: 'c', delayMs: 1, deliver })).toThrow(ToolError);
    expect(() => reminders.schedule({ guildId: 'g1', text: 'c', delayMs: 1, deliver })).toThrow(
      'This server already has 2 reminders waiting.',
    );
    expect(reminders.schedule({ guildId: 'g2', text: 'd', delayMs: 1, deliver }).id).toBe(3);
  });

  it('GIVEN delivery fails (channel gone) THEN it is logged as a warning and nothing throws', async () => {
    const { reminders, time, lines } = setup();
    reminders.schedule({
      guildId: 'g1',
      text: 'a',
      delayMs: 10,
      deliver: async () => {
        throw new Error('Unknown Channel');
      },
    });
    time.advance(10);
    await until(() => lines.some((l) => l.msg === 'reminder could not be posted'));
    expect(lines.find((l) => l.msg === 'reminder could not be posted')?.guildId).toBe('g1');
  });
});
