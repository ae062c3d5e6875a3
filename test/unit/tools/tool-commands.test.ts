import { MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolsCommand } from '../../../commands/tools.ts';
import { ToolError } from '../../../src/errors.ts';
import { type AnyTool, defineTool } from '../../../src/tools/define-tool.ts';
import { type ToolCallRecord, ToolRegistry } from '../../../src/tools/registry.ts';
import { toolCommands } from '../../../src/tools/tool-commands.ts';
import {
  fakeInteraction,
  manualClock,
  noArgsTool,
  payloadOf,
  RecordingGuild,
  recordingLogger,
  until,
} from './helpers.ts';

const add = defineTool({
  name: 'add',
  description: 'Add two numbers',
  parameters: z.object({
    a: z.number().describe('First'),
    b: z.number().describe('Second'),
    shout: z.boolean().optional().describe('Say it loudly'),
  }),
  execute: (args) => args.a + args.b,
  formatResult: (sum, args) => (args.shout ? `THE SUM IS ${sum}!` : `${args.a} + ${args.b} = ${sum}`),
});

const refuse = noArgsTool('refuse', 'Always refuses', () => {
  throw new ToolError('Not today, <@everyone>.');
});

function setup(tools: AnyTool[]) {
  const { logger } = recordingLogger();
  const time = manualClock();
  const guild = new RecordingGuild();
  const registry = new ToolRegistry({ tools, servicesFor: () => guild, logger });
  const records: ToolCallRecord[] = [];
  registry.onCall((r) => records.push(r));
  const commands = toolCommands(registry, { deferAfterMs: 2000, clock: time.clock });
  const command = (name: string) => {
    const found = commands.find((c) => c.data.name === name);
    if (!found) throw new Error(`no /${name}`);
    return found;
  };
  return { registry, commands, command, records, time };
}

/**
 * Runs a parameterless tool's command, which the test settles through the returned promise's
 * handlers, until its reply was deferred (deferAfterMs passed with the tool still running).
 */
async function deferredRun(name: string) {
  const held = Promise.withResolvers<string>();
  const { command, time } = setup([noArgsTool(name, 'Finishes when the test says', () => held.promise)]);
  const { interaction, calls } = fakeInteraction(name, []);
  const running = command(name).execute(interaction, undefined);
  await until(() => time.pending() >= 1);
  time.advance(2000);
  await until(() => calls.length === 1);
  return { calls, running, held };
}

describe('toolCommands', () => {
  it('THEN there is one command per tool carrying the compiled registration payload', () => {
    const { commands, registry } = setup([add, refuse]);
    expect(commands.map((c) => c.data)).toEqual(registry.commands());
  });

  it('GIVEN options typed by a person THEN the tool runs with them and the reply shows the formatted result', async () => {
    const { command, records } = setup([add]);
    const { interaction, calls } = fakeInteraction('add', [
      { name: 'a', value: 2 },
      { name: 'b', value: 3.5 },
    ]);
    await command('add').execute(interaction, undefined);
    expect(calls).toEqual([
      {
        method: 'reply',
        payload: { content: '2 + 3.5 = 5.5', allowedMentions: { parse: [], repliedUser: false } },
      },
    ]);
    expect(records[0]).toMatchObject({
      name: 'add',
      args: { a: 2, b: 3.5 },
      outcome: 'ok',
      origin: { guildId: 'g1', channelId: 'c1', userId: 'u1', via: 'slash' },
    });
  });

  it('GIVEN a boolean option THEN it reaches the tool', async () => {
    const { command } = setup([add]);
    const { interaction, calls } = fakeInteraction('add', [
      { name: 'a', value: 1 },
      { name: 'b', value: 1 },
      { name: 'shout', value: true },
    ]);
    await command('add').execute(interaction, undefined);
    expect(calls[0]?.payload).toMatchObject({ content: 'THE SUM IS 2!' });
  });

  it('GIVEN the tool refuses THEN the reply is ephemeral, mention-free, and carries the ToolError message', async () => {
    const { command } = setup([refuse]);
    const { interaction, calls } = fakeInteraction('refuse', []);
    await command('refuse').execute(interaction, undefined);
    expect(calls).toEqual([
      {
        method: 'reply',
        payload: {
          content: '⚠️ Not today, <@everyone>.',
          flags: MessageFlags.Ephemeral,
          allowedMentions: { parse: [], repliedUser: false },
        },
      },
    ]);
  });

  it('GIVEN a tool slower than deferAfterMs THEN the reply is deferred, then edited with the result', async () => {
    const { calls, running, held } = await deferredRun('slow');
    expect(calls[0]?.method).toBe('deferReply');
    held.resolve('finally');
    await running;
    expect(calls.map((c) => c.method)).toEqual(['deferReply', 'editReply']);
    expect(calls[1]?.payload).toEqual({
      content: 'finally',
      allowedMentions: { parse: [], repliedUser: false },
    });
  });

  it('GIVEN a deferred run that fails THEN the public placeholder is deleted and the error follows up ephemerally', async () => {
    const { calls, running, held } = await deferredRun('slow_fail');
    held.reject(new ToolError('The service is down.'));
    await running;
    expect(calls.map((c) => c.method)).toEqual(['deferReply', 'deleteReply', 'followUp']);
    expect(calls[2]?.payload).toMatchObject({
      content: '⚠️ The service is down.',
      flags: MessageFlags.Ephemeral,
    });
  });

  it('GIVEN a result longer than a Discord message THEN the reply is cut to 2000 characters', async () => {
    const long = noArgsTool('long', 'Long', () => 'x'.repeat(5000));
    const { command } = setup([long]);
    const { interaction, calls } = fakeInteraction('long', []);
    await command('long').execute(interaction, undefined);
    expect(payloadOf<{ content: string }>(calls, 0).content).toHaveLength(2000);
  });
});

describe('/tools', () => {
  function manyTools(count: number): AnyTool[] {
    return Array.from({ length: count }, (_, i) =>
      defineTool({
        name: `tool_${i}`,
        description: `Tool number ${i} does something rather useful`.padEnd(100, '.'),
        parameters: z.object({
          first: z.string().describe('The first parameter, described at length'.padEnd(100, '.')),
          second: z.enum(['a', 'b', 'c']).optional().describe('A choice'),
        }),
        execute: () => 'ok',
      }),
    );
  }

  it('GIVEN a few tools THEN one ephemeral embed lists each with its description and parameters', async () => {
    const { registry } = setup([add, refuse]);
    const { interaction, calls } = fakeInteraction('tools', []);
    await toolsCommand.execute(interaction, { tools: registry });
    expect(calls).toHaveLength(1);
    const payload = calls[0]?.payload as {
      embeds: { fields: { name: string; value: string }[]; footer?: unknown }[];
      flags: number;
    };
    expect(payload.flags).toBe(MessageFlags.Ephemeral);
    const [embed] = payload.embeds;
    expect(embed?.footer).toBeUndefined();
    expect(embed?.fields).toEqual([
      {
        name: '/add',
        value: [
          'Add two numbers',
          '• `a` (number, required): First',
          '• `b` (number, required): Second',
          '• `shout` (yes/no, optional): Say it loudly',
        ].join('\n'),
      },
      { name: '/refuse', value: 'Always refuses' },
    ]);
  });

  it('GIVEN more tools than fit one embed THEN pages stay within Discord limits and the page option picks one', async () => {
    const { registry } = setup(manyTools(40));
    const pageOf = async (page?: number) => {
      const { interaction, calls } = fakeInteraction(
        'tools',
        page === undefined ? [] : [{ name: 'page', value: page }],
      );
      await toolsCommand.execute(interaction, { tools: registry });
      return payloadOf<{
        embeds: {
          title: string;
          description: string;
          fields: { name: string; value: string }[];
          footer: { text: string };
        }[];
      }>(calls, 0).embeds[0]!;
    };
    const seen: string[] = [];
    const first = await pageOf();
    const total = Number(/of (\d+)/.exec(first.footer.text)?.[1]);
    expect(total).toBeGreaterThan(1);
    for (let page = 1; page <= total; page++) {
      const embed = await pageOf(page);
      expect(embed.footer.text).toBe(`Page ${page} of ${total} (use the page option)`);
      expect(embed.fields.length).toBeLessThanOrEqual(25);
      const chars =
        embed.title.length +
        embed.description.length +
        embed.footer.text.length +
        embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
      expect(chars).toBeLessThanOrEqual(6000);
      seen.push(...embed.fields.map((f) => f.name));
    }
    expect(seen).toEqual(registry.commands().map((c) => `/${c.name}`));
    expect((await pageOf(999)).footer.text).toBe(`Page ${total} of ${total} (use the page option)`);
  });

  it('THEN /tools itself is a valid registration payload with a page option', () => {
    expect(toolsCommand.data.name).toBe('tools');
    expect(toolsCommand.data.options?.[0]).toMatchObject({ name: 'page', min_value: 1 });
  });
});
