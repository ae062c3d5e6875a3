// Compiles a tool's zod parameters into a Gemini function declaration and a Discord slash command,
// enforcing the limits both APIs impose so a bad definition fails at startup, not at registration.
import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import { BotError } from '../errors.ts';
import type { FunctionDeclarationSpec } from '../live/tool-port.ts';
import type { AnyTool } from './define-tool.ts';

/** Discord: 1..32 lowercase word characters; Gemini: letters, digits, `_.-:` starting with letter or `_`. */
const TOOL_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** Gemini parameter names allow no dash, Discord option names must be lowercase. */
const PARAMETER_NAME = /^[a-z_][a-z0-9_]{0,31}$/;
const MAX_DESCRIPTION_CHARS = 100;
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
const MAX_CHOICE_CHARS = 100;
/** Discord string options accept lengths 0..6000. */
const MAX_STRING_OPTION_LENGTH = 6000;

export interface CompiledTool {
  declaration: FunctionDeclarationSpec;
  command: RESTPostAPIChatInputApplicationCommandsJSONBody;
}

type JsonSchema = Record<string, unknown>;
type GeminiType = 'STRING' | 'INTEGER' | 'NUMBER' | 'BOOLEAN';

interface Parameter {
  name: string;
  description: string;
  required: boolean;
  type: GeminiType;
  choices?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

function invalid(tool: string, field: string, problem: string): BotError {
  return new BotError('TOOL_DEFINITION_INVALID', `Tool "${tool}", ${field}: ${problem}`);
}

function checkDescription(tool: string, field: string, description: unknown): string {
  if (
    typeof description !== 'string' ||
    description.length < 1 ||
    description.length > MAX_DESCRIPTION_CHARS
  ) {
    const got = typeof description === 'string' ? `${description.length}` : 'none; add .describe()';
    throw invalid(tool, field, `description must be 1-${MAX_DESCRIPTION_CHARS} characters (got ${got})`);
  }
  return description;
}

/** Bounds zod adds to every `.int()` carry no information; keep only ones the author chose. */
function bound(value: unknown): number | undefined {
  if (typeof value !== 'number' || Math.abs(value) >= Number.MAX_SAFE_INTEGER) return undefined;
  return value;
}

function readParameter(tool: string, name: string, schema: JsonSchema, required: boolean): Parameter {
  const field = `parameter "${name}"`;
  if (!PARAMETER_NAME.test(name)) {
    throw invalid(
      tool,
      field,
      'name must be 1-32 lowercase letters, digits or "_", not starting with a digit',
    );
  }
  const description = checkDescription(tool, field, schema.description);
  const base = { name, description, required };
  const type = schema.type;
  if (type === 'string' && Array.isArray(schema.enum)) {
    const choices = schema.enum.map(String);
    if (choices.length > MAX_CHOICES) throw invalid(tool, field, `at most ${MAX_CHOICES} enum values`);
    const bad = choices.find((c) => c.length < 1 || c.length > MAX_CHOICE_CHARS);
    if (bad !== undefined)
      throw invalid(tool, field, `enum value "${bad}" must be 1-${MAX_CHOICE_CHARS} characters`);
    return { ...base, type: 'STRING', choices };
  }
  if (type === 'string') {
    const minLength = typeof schema.minLength === 'number' ? schema.minLength : undefined;
    const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
    if ((maxLength ?? 1) > MAX_STRING_OPTION_LENGTH || (minLength ?? 0) > MAX_STRING_OPTION_LENGTH) {
      throw invalid(tool, field, `string length limits must be at most ${MAX_STRING_OPTION_LENGTH}`);
    }
    return {
      ...base,
      type: 'STRING',
      ...(minLength !== undefined && minLength > 0 ? { minLength } : {}),
      ...(maxLength !== undefined ? { maxLength } : {}),
    };
  }
  if (type === 'integer' || type === 'number') {
    const minimum = bound(schema.minimum);
    const maximum = bound(schema.maximum);
    return {
      ...base,
      type: type === 'integer' ? 'INTEGER' : 'NUMBER',
      ...(minimum !== undefined ? { minimum } : {}),
      ...(maximum !== undefined ? { maximum } : {}),
    };
  }
  if (type === 'boolean') return { ...base, type: 'BOOLEAN' };
  throw invalid(
    tool,
    field,
    `type ${JSON.stringify(type ?? schema)} cannot be a slash command option; use string, integer, number, boolean or enum`,
  );
}

function readParameters(tool: AnyTool): Parameter[] {
  let schema: JsonSchema;
  try {
    // io 'input': fields with a default are optional for the caller.
    schema = z.toJSONSchema(tool.parameters, { io: 'input' }) as JsonSchema;
  } catch (error) {
    throw new BotError(
      'TOOL_DEFINITION_INVALID',
      `Tool "${tool.name}", parameters: not representable as JSON schema`,
      {
        cause: error,
      },
    );
  }
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const names = Object.keys(properties);
  if (names.length > MAX_OPTIONS)
    throw invalid(tool.name, 'parameters', `at most ${MAX_OPTIONS} (got ${names.length})`);
  return names.map((name) => readParameter(tool.name, name, properties[name] ?? {}, required.has(name)));
}

function toDeclaration(tool: AnyTool, parameters: Parameter[]): FunctionDeclarationSpec {
  const declaration: FunctionDeclarationSpec = {
    name: tool.name,
    description: tool.description,
    ...(tool.live?.behavior ? { behavior: tool.live.behavior } : {}),
    ...(tool.live?.scheduling ? { scheduling: { ...tool.live.scheduling } } : {}),
  };
  if (parameters.length === 0) return declaration;
  const properties: Record<string, unknown> = {};
  for (const p of parameters) {
    properties[p.name] = {
      type: p.type,
      description: p.description,
      ...(p.choices ? { enum: p.choices } : {}),
      ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
      ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
    };
  }
  const required = parameters.filter((p) => p.required).map((p) => p.name);
  declaration.parameters = { type: 'OBJECT', properties, ...(required.length > 0 ? { required } : {}) };
  return declaration;
}

function toOption(p: Parameter): APIApplicationCommandBasicOption {
  const common = { name: p.name, description: p.description, ...(p.required ? { required: true } : {}) };
  const range = {
    ...(p.minimum !== undefined ? { min_value: p.minimum } : {}),
    ...(p.maximum !== undefined ? { max_value: p.maximum } : {}),
  };
  switch (p.type) {
    case 'STRING':
      if (p.choices) {
        return {
          ...common,
          type: ApplicationCommandOptionType.String,
          choices: p.choices.map((c) => ({ name: c, value: c })),
        };
      }
      return {
        ...common,
        type: ApplicationCommandOptionType.String,
        ...(p.minLength !== undefined ? { min_length: p.minLength } : {}),
        ...(p.maxLength !== undefined ? { max_length: p.maxLength } : {}),
      };
    case 'INTEGER':
      return { ...common, ...range, type: ApplicationCommandOptionType.Integer };
    case 'NUMBER':
      return { ...common, ...range, type: ApplicationCommandOptionType.Number };
    case 'BOOLEAN':
      return { ...common, type: ApplicationCommandOptionType.Boolean };
  }
}

/** Throws BotError TOOL_DEFINITION_INVALID naming the tool and field when a limit is broken. */
export function compileTool(tool: AnyTool): CompiledTool {
  if (!TOOL_NAME.test(tool.name)) {
    throw invalid(
      tool.name,
      'name',
      'must be 1-32 lowercase letters, digits, "_" or "-", starting with a letter or "_"',
    );
  }
  checkDescription(tool.name, 'tool', tool.description);
  const parameters = readParameters(tool);
  // Discord rejects a command whose required options do not all come before the optional ones.
  const ordered = [...parameters.filter((p) => p.required), ...parameters.filter((p) => !p.required)];
  const command: RESTPostAPIChatInputApplicationCommandsJSONBody = {
    name: tool.name,
    description: tool.description,
    ...(ordered.length > 0 ? { options: ordered.map(toOption) } : {}),
  };
  return { declaration: toDeclaration(tool, parameters), command };
}
