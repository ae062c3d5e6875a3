// defineTool: one typed definition that becomes a Gemini function and a slash command.
import type { z } from 'zod';
import { ToolError } from '../errors.ts';
import type { FunctionDeclarationSpec, ToolCallOrigin } from '../live/tool-port.ts';
import type { GuildToolServices } from './guild-services.ts';

/** Who asked: the Live/text origins plus 'slash' when a person ran the tool's own command. */
export type ToolRunOrigin = Omit<ToolCallOrigin, 'via'> & { via: ToolCallOrigin['via'] | 'slash' };

export interface ToolContext {
  origin: ToolRunOrigin;
  /** Aborted on timeout, on cancellation by Gemini, on /leave and on shutdown. */
  signal: AbortSignal;
  now(): Date;
  /** The guild's capabilities, or null outside a guild (DMs). See `requireGuild`. */
  guild: GuildToolServices | null;
}

/** The parameter schema of every tool: an object whose keys are the arguments. */
export type ToolParameters = z.ZodObject;

/**
 * Method syntax (not arrow properties) on purpose: it keeps a specific `Tool<S, O>` assignable to
 * the erased `AnyTool` the registry stores.
 */
export interface Tool<S extends ToolParameters = ToolParameters, O = unknown> {
  /** Lowercase, `[a-z][a-z0-9_-]*`, at most 32 characters: also the slash command name. */
  readonly name: string;
  /** 1..100 characters: shown to Gemini and as the slash command description. */
  readonly description: string;
  /** Every property needs `.describe()` (1..100 characters); scalar types and enums only. */
  readonly parameters: S;
  /** Overrides the registry's timeout for this tool, in milliseconds. */
  readonly timeoutMs?: number;
  /**
   * In voice, on models with async calling: slow or side-effect tools say NON_BLOCKING (the model
   * keeps talking while they run) and how their result is taken up. Omitted = BLOCKING, right for
   * quick tools whose answer the model needs before it can go on.
   */
  readonly live?: Pick<FunctionDeclarationSpec, 'behavior' | 'scheduling'>;
  /** Throw ToolError for a message the model (or person) may read; anything else is a bug. */
  execute(args: z.output<S>, ctx: ToolContext): Promise<O> | O;
  /** Human-readable result for slash command replies; defaults to the output as text/JSON. */
  formatResult?(output: O, args: z.output<S>): string;
}

export type AnyTool = Tool<ToolParameters, unknown>;

export function defineTool<S extends ToolParameters, O>(tool: Tool<S, O>): Tool<S, O> {
  return Object.freeze({ ...tool });
}

/** The guild services, or a ToolError the model can relay ("only works in a server"). */
export function requireGuild(ctx: ToolContext): GuildToolServices {
  if (!ctx.guild) throw new ToolError('This only works inside a Discord server.', 'TOOL_NEEDS_GUILD');
  return ctx.guild;
}
