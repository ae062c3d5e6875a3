import { describe, expect, it } from 'vitest';
import type { ToolCallOrigin } from '../../../src/live/tool-port.ts';
import { builtinTools } from '../../../src/tools/builtin/builtin-tools.ts';
import type { ToolRunOrigin } from '../../../src/tools/define-tool.ts';
import { ToolRegistry, type ToolRunResult } from '../../../src/tools/registry.ts';
import { ReminderScheduler } from '../../../src/tools/reminders.ts';
import { BUILTIN_TOOL_NAMES } from '../../helpers/builtin-tool-names.ts';
import { manualClock, RecordingGuild, recordingLogger } from './helpers.ts';

const inGuild: ToolCallOrigin = { guildId: 'g1', channelId: 'c1', userId: 'u1', via: 'live' };
const inDm: ToolCallOrigin = { ...inGuild, guildId: null };
const MINUTE_MS = 60_000;

function setup(faces: number[] = []) {
  const { logger, lines } = recordingLogger();
  const time = manualClock();
  const wallStart = Date.parse('2026-03-03T13:05:00Z');
  const wallClock = () => new Date(wallStart + time.clock.now());
  const guild = new RecordingGuild();
  const reminders = new ReminderScheduler({ clock: time.clock, wallClock, logger });
  const tools = new ToolRegistry({
    tools: builtinTools({ reminders, randomInt: () => (faces.shift() ?? 1) - 1 }),
    servicesFor: (o) => (o.guildId ? guild : null),
    logger,
    clock: time.clock,
    wallClock,
  });
  const run = (
    name: string,
    args: Record<string, unknown>,
    origin: ToolRunOrigin = inGuild,
  ): Promise<ToolRunResult> => tools.run(name, args, origin, new AbortController().signal);
  return { tools, run, guild, time, reminders, lines };
}

describe('builtinTools', () => {
  it('THEN the list compiles into declarations and commands with the expected names', () => {
    const { tools } = setup();
    expect(tools.declarations().map((d) => d.name)).toEqual(BUILTIN_TOOL_NAMES);
    expect(tools.commands().map((c) => c.name)).toEqual(BUILTIN_TOOL_NAMES);
  });

  it('THEN quick tools block and the side-effect tools run async with a deliberate scheduling', () => {
    const { tools } = setup();
    const live = Object.fromEntries(
      tools
        .declarations()
        .map((d) => [d.name, { behavior: d.behavior ?? 'BLOCKING', scheduling: d.scheduling }]),
    );
    for (const quick of ['current_time', 'roll_dice', 'calculate', 'voice_members', 'leave_voice']) {
      expect(live[quick], quick).toEqual({ behavior: 'BLOCKING', scheduling: undefined });
    }
    // The person waits to hear the post went out: told after the current sentence.
    expect(live.post_message).toEqual({
      behavior: 'NON_BLOCKING',
      scheduling: { ok: 'WHEN_IDLE', error: 'WHEN_IDLE' },
    });
    // "I'll remind you" was already said; only a failure is worth speaking of.
    expect(live.set_reminder).toEqual({
      behavior: 'NON_BLOCKING',
      scheduling: { ok: 'SILENT', error: 'WHEN_IDLE' },
    });
  });
});

describe('current_time', () => {
  it('GIVEN no zone THEN the guild zone is used', async () => {
    const { run, guild } = setup();
    guild.timeZone = 'Europe/Paris';
    const result = await run('current_time', {});
    expect(result).toMatchObject({
      output: {
        timeZone: 'Europe/Paris',
        time: '14:05',
        date: 'Tuesday, 3 March 2026',
        iso: '2026-03-03T13:05:00.000Z',
      },
      text: '🕒 14:05 on Tuesday, 3 March 2026 (Europe/Paris, GMT+01:00)',
    });
  });

  it('GIVEN a zone in any case THEN it is canonicalised; outside a guild the default is UTC', async () => {
    const { run } = setup();
    expect(await run('current_time', { time_zone: 'america/new_york' })).toMatchObject({
      output: { timeZone: 'America/New_York', time: '08:05' },
    });
    expect(await run('current_time', {}, inDm)).toMatchObject({ output: { timeZone: 'UTC', time: '13:05' } });
  });

  it('GIVEN an unknown zone THEN the model is told to use an IANA name', async () => {
    const { run } = setup();
    expect(await run('current_time', { time_zone: 'Mars/Olympus' })).toEqual({
      error:
        '"Mars/Olympus" is not a time zone I know; use an IANA name such as Europe/Paris or America/New_York.',
      retryable: false,
    });
  });
});

describe('roll_dice and calculate', () => {
  it('GIVEN 2d6+1 THEN the scripted faces are summed and shown', async () => {
    const { run } = setup([4, 6]);
    expect(await run('roll_dice', { notation: '2d6+1' })).toMatchObject({
      output: { total: 11 },
      text: '🎲 2d6+1: [4, 6] + 1 = **11**',
    });
  });

  it('GIVEN bad notation THEN a readable error', async () => {
    const { run } = setup();
    expect(await run('roll_dice', { notation: '500d6' })).toEqual({
      error: 'At most 100 dice in one roll.',
      retryable: false,
    });
  });

  it('GIVEN an expression THEN the result is exact and hostile input is an error, not a crash', async () => {
    const { run } = setup();
    expect(await run('calculate', { expression: '(12.5 * 4) / 3' })).toEqual({
      output: { expression: '(12.5 * 4) / 3', result: '16.6666666667' },
      text: '🧮 `(12.5 * 4) / 3` = **16.6666666667**',
    });
    expect(await run('calculate', { expression: 'process.exit()' })).toEqual({
      error: 'Unexpected character "." at position 8.',
      retryable: false,
    });
    expect(await run('calculate', { expression: 'x'.repeat(201) })).toMatchObject({
      error: expect.stringContaining('"expression": Too big'),
      retryable: false,
    });
  });
});

describe('voice_members', () => {
  it('GIVEN people in voice THEN names and who is speaking, without ids', async () => {
    const { run, guild } = setup();
    guild.members = [
      { id: '1', displayName: 'Ada', speaking: true },
      { id: '2', displayName: 'Bob' },
    ];
    const result = await run('voice_members', {});
    expect(result).toEqual({
      output: { count: 2, members: [{ name: 'Ada', speaking: true }, { name: 'Bob' }] },
      text: '🎧 2 in voice: Ada (speaking), Bob',
    });
  });

  it('GIVEN the bot is not in voice, or a DM THEN a readable error', async () => {
    const { run, guild } = setup();
    guild.members = null;
    expect(await run('voice_members', {})).toEqual({
      error: 'I am not in a voice channel right now.',
      retryable: false,
    });
    expect(await run('voice_members', {}, inDm)).toEqual({
      error: 'This only works inside a Discord server.',
      retryable: false,
    });
  });

  it('GIVEN an empty channel THEN it says nobody else is there', async () => {
    const { run } = setup();
    expect(await run('voice_members', {})).toMatchObject({ text: '🎧 Nobody else is in the voice channel.' });
  });
});

describe('post_message and leave_voice', () => {
  it('GIVEN text with code and links THEN it is posted verbatim to the text channel', async () => {
    const { run, guild } = setup();
    const text = 'Docs: https://example.com\n```ts\nconst x = 1;\n```\n- one\n- two';
    expect(await run('post_message', { text })).toMatchObject({
      output: 'Posted the message in the text channel.',
    });
    expect(guild.posted).toEqual([text]);
  });

  it('GIVEN more than 2000 characters THEN nothing is posted and the model is told why', async () => {
    const { run, guild } = setup();
    expect(await run('post_message', { text: 'x'.repeat(2001) })).toMatchObject({
      error: expect.stringMatching(/^Invalid arguments for post_message: "text": Too big/),
      retryable: false,
    });
    expect(guild.posted).toEqual([]);
  });

  it('GIVEN leave_voice from the model or a person THEN the guild is asked to leave with the reason', async () => {
    const { run, guild } = setup();
    expect(await run('leave_voice', {})).toMatchObject({ text: '👋 Leaving the voice channel.' });
    await run('leave_voice', {}, { ...inGuild, via: 'slash' });
    expect(guild.left).toEqual(['asked in conversation', 'asked with /leave_voice']);
  });
});

describe('set_reminder', () => {
  it('GIVEN 10 minutes THEN nothing is posted before, and the reminder with its author after', async () => {
    const { run, guild, time, reminders } = setup();
    const result = await run('set_reminder', { minutes: 10, text: 'stretch' });
    expect(result).toEqual({
      output: { reminderId: 1, dueAt: '2026-03-03T13:15:00.000Z', dueLocalTime: '13:15', timeZone: 'UTC' },
      text: '⏰ I will post "stretch" here at 13:15 UTC (in 10 min).',
    });
    time.advance(10 * MINUTE_MS - 1);
    expect(guild.posted).toEqual([]);
    time.advance(1);
    expect(guild.posted).toEqual(['⏰ Reminder for <@u1>: stretch']);
    expect(reminders.pending('g1')).toEqual([]);
  });

  it('GIVEN dispose() on shutdown THEN pending reminders never fire and no timer is left', async () => {
    const { run, guild, time, reminders } = setup();
    await run('set_reminder', { minutes: 1, text: 'a' });
    await run('set_reminder', { minutes: 2, text: 'b' });
    expect(time.pending()).toBe(2);
    reminders.dispose();
    expect(time.pending()).toBe(0);
    time.advance(60 * MINUTE_MS);
    expect(guild.posted).toEqual([]);
    expect(await run('set_reminder', { minutes: 1, text: 'c' })).toEqual({
      error: 'set_reminder failed because of an internal error.',
      retryable: false,
    });
  });

  it('GIVEN out-of-range minutes THEN a readable error and nothing scheduled', async () => {
    const { run, time } = setup();
    expect(await run('set_reminder', { minutes: 0, text: 'x' })).toMatchObject({
      error: expect.stringMatching(/"minutes": Too small/),
      retryable: false,
    });
    expect(await run('set_reminder', { minutes: 2000, text: 'x' })).toMatchObject({
      error: expect.stringMatching(/"minutes": Too big/),
      retryable: false,
    });
    expect(time.pending()).toBe(0);
  });
});
