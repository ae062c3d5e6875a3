// Slash-command interactions: the INTERACTION_CREATE payload and a handle to await the bot's response.
import { EventEmitter } from 'node:events';
import { waitForEvent } from '../../helpers/wait.ts';
import { MessageFlag, type StoredMessage } from './message-store.ts';
import { channelPayload, type Json, memberPayload, rolePayload, userPayload } from './payloads.ts';
import type { ChannelRecord, GuildRecord, World } from './world.ts';

export interface Ref {
  kind: 'channel' | 'user' | 'role';
  id: string;
}

export type OptionValue = string | number | boolean | Ref;

export const CallbackType = {
  Reply: 4,
  DeferredReply: 5,
  DeferredUpdate: 6,
  Update: 7,
  Modal: 9,
} as const;

const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Number: 10,
} as const;

export interface InteractionResponse {
  type: number;
  data: Json | null;
}

/** The bot's side of one interaction, filled in as its REST calls arrive. */
export class InteractionHandle extends EventEmitter {
  readonly id: string;
  readonly token: string;
  readonly name: string;
  readonly channelId: string;
  readonly payload: Json;
  readonly responses: InteractionResponse[] = [];
  readonly followUps: StoredMessage[] = [];
  original: StoredMessage | undefined;

  constructor(fields: { id: string; token: string; name: string; channelId: string; payload: Json }) {
    super();
    this.id = fields.id;
    this.token = fields.token;
    this.name = fields.name;
    this.channelId = fields.channelId;
    this.payload = fields.payload;
  }

  /** Called by the REST routes after every change. */
  changed(): void {
    this.emit('change');
  }

  /** The first callback (reply, defer or modal). */
  response(timeoutMs = 5000): Promise<InteractionResponse> {
    return waitForEvent(this, 'change', () => this.responses[0], timeoutMs, `a response to /${this.name}`);
  }

  get deferred(): boolean {
    return this.responses[0]?.type === CallbackType.DeferredReply;
  }

  get ephemeral(): boolean {
    return this.original?.ephemeral ?? false;
  }

  /** The visible reply text: the reply's content, or after a defer the content of the first edit. */
  text(timeoutMs = 5000): Promise<string> {
    return waitForEvent(
      this,
      'change',
      () => {
        const o = this.original;
        return o && !o.deleted && (o.flags & MessageFlag.Loading) === 0 ? o.content : undefined;
      },
      timeoutMs,
      `the reply text of /${this.name}`,
    );
  }

  /** The modal (type 9) the bot opened. */
  modal(timeoutMs = 5000): Promise<Json> {
    return waitForEvent(
      this,
      'change',
      () => this.responses.find((r) => r.type === CallbackType.Modal)?.data ?? undefined,
      timeoutMs,
      `a modal from /${this.name}`,
    );
  }

  /** The index-th follow-up message. */
  followUp(index = 0, timeoutMs = 5000): Promise<StoredMessage> {
    return waitForEvent(
      this,
      'change',
      () => this.followUps[index],
      timeoutMs,
      `follow-up #${index} of /${this.name}`,
    );
  }
}

/** Registered command definitions, as PUT by the bot. */
export interface CommandRegistry {
  global: Json[];
  guild: Map<string, Json[]>;
}

function findCommand(commands: CommandRegistry, guildId: string, name: string): Json | undefined {
  return [...(commands.guild.get(guildId) ?? []), ...commands.global].find((c) => c.name === name);
}

function inferType(value: OptionValue, declared: number | undefined): number {
  if (declared !== undefined) return declared;
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  if (typeof value === 'string') return OptionType.String;
  return value.kind === 'channel'
    ? OptionType.Channel
    : value.kind === 'user'
      ? OptionType.User
      : OptionType.Role;
}

interface SlashContext {
  world: World;
  guild: GuildRecord;
  commands: CommandRegistry;
  appId: string;
  invokerId: string;
  channel: ChannelRecord;
}

/**
 * Builds INTERACTION_CREATE data for `/name sub... {options}`: "settings voice" addresses a
 * subcommand, "a b c" a subcommand in a group. Option types come from the registered command when
 * it exists, else from the JS value.
 */
export function buildInteraction(
  ctx: SlashContext,
  commandLine: string,
  options: Record<string, OptionValue>,
): Json {
  const [name = '', ...path] = commandLine.trim().split(/\s+/);
  const { world, guild } = ctx;
  const command = findCommand(ctx.commands, guild.id, name);
  let defs = (command?.options ?? []) as Json[];
  for (const part of path) defs = ((defs.find((d) => d.name === part)?.options ?? []) as Json[]) ?? [];
  const resolved = { users: {} as Json, members: {} as Json, channels: {} as Json, roles: {} as Json };
  let leaf: Json[] = Object.entries(options).map(([key, value]) => {
    const type = inferType(value, defs.find((d) => d.name === key)?.type as number | undefined);
    if (typeof value === 'object') resolveRef(ctx, value, resolved);
    return { name: key, type, value: typeof value === 'object' ? value.id : value };
  });
  for (let i = path.length - 1; i >= 0; i--) {
    const type = i === 0 && path.length === 2 ? OptionType.SubcommandGroup : OptionType.Subcommand;
    leaf = [{ name: path[i], type, options: leaf }];
  }
  const invoker = guild.members.get(ctx.invokerId);
  if (!invoker) throw new Error(`fake-discord: ${ctx.invokerId} is not a member of ${guild.name}`);
  return {
    id: world.ids.next(),
    application_id: ctx.appId,
    type: 2,
    token: `itoken-${world.ids.next()}`,
    version: 1,
    guild_id: guild.id,
    channel_id: ctx.channel.id,
    channel: {
      ...channelPayload(ctx.channel),
      permissions: world.permissions(guild, ctx.invokerId, ctx.channel.id).toString(),
    },
    member: {
      ...memberPayload(world, invoker),
      permissions: world.permissions(guild, ctx.invokerId, ctx.channel.id).toString(),
    },
    app_permissions: world.permissions(guild, world.bot.id, ctx.channel.id).toString(),
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guild.id },
    context: 0,
    attachment_size_limit: 8 * 1024 * 1024,
    data: {
      id: (command?.id as string | undefined) ?? world.ids.next(),
      name,
      type: 1,
      guild_id: guild.id,
      options: leaf,
      resolved,
    },
  };
}

function resolveRef(ctx: SlashContext, ref: Ref, resolved: Record<string, Json>): void {
  const { world, guild } = ctx;
  if (ref.kind === 'channel') {
    const channel = guild.channels.get(ref.id);
    if (channel) {
      resolved.channels![ref.id] = {
        ...channelPayload(channel),
        permissions: world.permissions(guild, ctx.invokerId, channel.id).toString(),
      };
    }
  } else if (ref.kind === 'user') {
    const user = world.users.get(ref.id);
    const member = guild.members.get(ref.id);
    if (user) resolved.users![ref.id] = userPayload(user);
    if (member) {
      const { user: _omit, ...rest } = memberPayload(world, member);
      resolved.members![ref.id] = { ...rest, permissions: world.permissions(guild, ref.id).toString() };
    }
  } else {
    const role = guild.roles.get(ref.id);
    if (role) resolved.roles![ref.id] = rolePayload(role);
  }
}
