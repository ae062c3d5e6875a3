import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BotError } from '../../../src/errors.ts';
import { type AnyTool, defineTool } from '../../../src/tools/define-tool.ts';
import { compileTool } from '../../../src/tools/tool-schema.ts';
import { thrownBy } from '../../helpers/thrown.ts';

function tool(parameters: z.ZodObject, overrides: { name?: string; description?: string } = {}): AnyTool {
  return defineTool({
    name: overrides.name ?? 'sample',
    description: overrides.description ?? 'A sample tool',
    parameters,
    execute: () => 'ok',
  });
}

function definitionError(t: AnyTool): BotError {
  return thrownBy(BotError, () => compileTool(t), `the invalid tool ${t.name}`);
}

const everyType = z.object({
  flag: z.boolean().optional().describe('A yes/no'),
  word: z.string().min(2).max(40).describe('Some text'),
  count: z.number().int().min(1).max(100).describe('A whole number'),
  ratio: z.number().min(0).max(1).optional().describe('A fraction'),
  colour: z.enum(['red', 'green']).describe('A colour'),
  plain: z.number().int().optional().describe('Unbounded integer'),
  loud: z.boolean().default(false).describe('Has a default'),
});

describe('compileTool → Gemini declaration', () => {
  it('GIVEN every parameter type THEN types, enums, bounds, descriptions and required are declared', () => {
    const { declaration } = compileTool(tool(everyType));
    expect(declaration).toEqual({
      name: 'sample',
      description: 'A sample tool',
      parameters: {
        type: 'OBJECT',
        properties: {
          flag: { type: 'BOOLEAN', description: 'A yes/no' },
          word: { type: 'STRING', description: 'Some text' },
          count: { type: 'INTEGER', description: 'A whole number', minimum: 1, maximum: 100 },
          ratio: { type: 'NUMBER', description: 'A fraction', minimum: 0, maximum: 1 },
          colour: { type: 'STRING', description: 'A colour', enum: ['red', 'green'] },
          plain: { type: 'INTEGER', description: 'Unbounded integer' },
          loud: { type: 'BOOLEAN', description: 'Has a default' },
        },
        required: ['word', 'count', 'colour'],
      },
    });
  });

  it('GIVEN no parameters THEN the declaration has none (Gemini accepts a bare function)', () => {
    expect(compileTool(tool(z.object({}))).declaration).toEqual({
      name: 'sample',
      description: 'A sample tool',
    });
  });

  it('THEN no JSON-Schema-only keys reach Gemini', () => {
    const keys = new Set<string>();
    const collect = (node: unknown): void => {
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
      for (const [key, value] of Object.entries(node)) {
        keys.add(key);
        if (key !== 'properties') collect(value);
        else for (const property of Object.values(value as object)) collect(property);
      }
    };
    collect(compileTool(tool(everyType)).declaration.parameters);
    const allowed = ['type', 'properties', 'required', 'description', 'enum', 'minimum', 'maximum'];
    expect([...keys].filter((k) => !allowed.includes(k))).toEqual([]);
  });
});

describe('compileTool → slash command', () => {
  it('GIVEN every parameter type THEN options map to Discord types with choices, bounds and lengths', () => {
    const { command } = compileTool(tool(everyType));
    expect(command.name).toBe('sample');
    expect(command.description).toBe('A sample tool');
    expect(command.options).toEqual([
      {
        type: ApplicationCommandOptionType.String,
        name: 'word',
        description: 'Some text',
        required: true,
        min_length: 2,
        max_length: 40,
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'count',
        description: 'A whole number',
        required: true,
        min_value: 1,
        max_value: 100,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'colour',
        description: 'A colour',
        required: true,
        choices: [
          { name: 'red', value: 'red' },
          { name: 'green', value: 'green' },
        ],
      },
      { type: ApplicationCommandOptionType.Boolean, name: 'flag', description: 'A yes/no' },
      {
        type: ApplicationCommandOptionType.Number,
        name: 'ratio',
        description: 'A fraction',
        min_value: 0,
        max_value: 1,
      },
      { type: ApplicationCommandOptionType.Integer, name: 'plain', description: 'Unbounded integer' },
      { type: ApplicationCommandOptionType.Boolean, name: 'loud', description: 'Has a default' },
    ]);
  });

  it('GIVEN optional parameters declared first THEN required options still come first, as Discord demands', () => {
    const { command } = compileTool(
      tool(z.object({ a: z.string().optional().describe('a'), b: z.string().describe('b') })),
    );
    expect(command.options?.map((o) => [o.name, o.required ?? false])).toEqual([
      ['b', true],
      ['a', false],
    ]);
  });

  it('GIVEN no parameters THEN the command has no options field', () => {
    expect(compileTool(tool(z.object({}))).command).toEqual({ name: 'sample', description: 'A sample tool' });
  });
});

describe('compileTool limits (TOOL_DEFINITION_INVALID naming tool and field)', () => {
  const cases: [string, AnyTool, RegExp][] = [
    ['an upper-case name', tool(z.object({}), { name: 'Roll' }), /Tool "Roll", name/],
    ['a 33-character name', tool(z.object({}), { name: 'a'.repeat(33) }), /name: must be 1-32/],
    ['a name with a space', tool(z.object({}), { name: 'roll dice' }), /Tool "roll dice", name/],
    [
      'an empty description',
      tool(z.object({}), { description: '' }),
      /Tool "sample".*1-100 characters \(got 0\)/,
    ],
    ['a 101-character description', tool(z.object({}), { description: 'x'.repeat(101) }), /got 101/],
    [
      'a parameter without .describe()',
      tool(z.object({ n: z.number() })),
      /Tool "sample", parameter "n": description .*add \.describe\(\)/,
    ],
    [
      'a parameter description over 100 characters',
      tool(z.object({ n: z.number().describe('y'.repeat(101)) })),
      /parameter "n": description must be 1-100 characters \(got 101\)/,
    ],
    [
      'a parameter name with a dash (Gemini rejects it)',
      tool(z.object({ 'time-zone': z.string().describe('zone') })),
      /parameter "time-zone": name/,
    ],
    [
      'an upper-case parameter name',
      tool(z.object({ Zone: z.string().describe('zone') })),
      /parameter "Zone": name/,
    ],
    [
      'an array parameter',
      tool(z.object({ list: z.array(z.string()).describe('list') })),
      /parameter "list": type "array" cannot be a slash command option/,
    ],
    [
      'a nested object parameter',
      tool(z.object({ inner: z.object({ a: z.string() }).describe('inner') })),
      /parameter "inner": type "object"/,
    ],
    [
      'a nullable parameter',
      tool(z.object({ maybe: z.string().nullable().describe('maybe') })),
      /parameter "maybe": type/,
    ],
    [
      '26 parameters',
      tool(
        z.object(
          Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, z.string().describe('p')])),
        ),
      ),
      /Tool "sample", parameters: at most 25 \(got 26\)/,
    ],
    [
      '26 enum values',
      tool(
        z.object({
          pick: z
            .enum(Array.from({ length: 26 }, (_, i) => `v${i}`) as [string, ...string[]])
            .describe('pick'),
        }),
      ),
      /parameter "pick": at most 25 enum values/,
    ],
    [
      'a string longer than Discord allows',
      tool(z.object({ text: z.string().max(6001).describe('text') })),
      /parameter "text": string length limits must be at most 6000/,
    ],
  ];

  for (const [what, badTool, message] of cases) {
    it(`GIVEN ${what} THEN compiling fails with a message naming it`, () => {
      const error = definitionError(badTool);
      expect(error.code).toBe('TOOL_DEFINITION_INVALID');
      expect(error.message).toMatch(message);
    });
  }

  it('GIVEN exactly 25 parameters, 25 choices, 32-character names and 100-character descriptions THEN it compiles', () => {
    const shape = Object.fromEntries(
      Array.from({ length: 24 }, (_, i) => [`p${i}`, z.string().describe('d'.repeat(100))]),
    );
    const choices = Array.from({ length: 25 }, (_, i) => `v${i}`) as [string, ...string[]];
    const t = tool(z.object({ ...shape, [`a${'b'.repeat(31)}`]: z.enum(choices).describe('pick') }), {
      name: 'x'.repeat(32),
      description: 'd'.repeat(100),
    });
    expect(compileTool(t).command.options).toHaveLength(25);
  });
});
