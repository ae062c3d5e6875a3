// The fake Discord's world: users, guilds, channels, roles, members, voice states and permissions.
import { SnowflakeFactory } from './ids.ts';

/** Permission bits (subset) as Discord defines them. */
export const Permission = {
  Administrator: 1n << 3n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  Connect: 1n << 20n,
  Speak: 1n << 21n,
  MoveMembers: 1n << 24n,
  UseVAD: 1n << 25n,
  UseApplicationCommands: 1n << 31n,
} as const;

const ALL_PERMISSIONS = (1n << 53n) - 1n;

/** What @everyone may do by default: see, read history, talk in text and voice, use commands. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.Connect |
  Permission.Speak |
  Permission.UseVAD |
  Permission.UseApplicationCommands;

export const ChannelType = { GuildText: 0, GuildVoice: 2 } as const;

export interface UserRecord {
  kind: 'user';
  id: string;
  username: string;
  bot: boolean;
}

export interface Overwrite {
  id: string;
  /** 0 = role, 1 = member. */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface ChannelRecord {
  kind: 'channel';
  id: string;
  guildId: string;
  name: string;
  type: number;
  position: number;
  overwrites: Overwrite[];
}

export interface RoleRecord {
  kind: 'role';
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
}

export interface MemberRecord {
  userId: string;
  roles: string[];
  joinedAt: string;
}

export interface VoiceStateRecord {
  userId: string;
  channelId: string | null;
  sessionId: string;
  selfMute: boolean;
  selfDeaf: boolean;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  everyoneRoleId: string;
  channels: Map<string, ChannelRecord>;
  roles: Map<string, RoleRecord>;
  members: Map<string, MemberRecord>;
  voiceStates: Map<string, VoiceStateRecord>;
}

export interface GuildSpec {
  name: string;
  /** Explicit snowflake, e.g. to place the guild on a chosen shard. */
  id?: string;
  textChannels?: string[];
  voiceChannels?: string[];
  /** Extra roles; @everyone always exists with DEFAULT_EVERYONE_PERMISSIONS. */
  roles?: Array<{ name: string; permissions: bigint }>;
  everyonePermissions?: bigint;
}

export class World {
  readonly ids = new SnowflakeFactory();
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly bot: UserRecord;
  /** A guild owner who is never the bot or a test human, so owner rights never mask permission checks. */
  readonly owner: UserRecord;

  constructor(botName: string) {
    this.bot = this.addUser(botName, true);
    this.owner = this.addUser('guild-owner', false);
  }

  addUser(username: string, bot: boolean): UserRecord {
    const user: UserRecord = { kind: 'user', id: this.ids.next(), username, bot };
    this.users.set(user.id, user);
    return user;
  }

  addGuild(spec: GuildSpec): GuildRecord {
    const id = spec.id ?? this.ids.next();
    const guild: GuildRecord = {
      id,
      name: spec.name,
      ownerId: this.owner.id,
      everyoneRoleId: id,
      channels: new Map(),
      roles: new Map(),
      members: new Map(),
      voiceStates: new Map(),
    };
    this.guilds.set(id, guild);
    guild.roles.set(id, {
      kind: 'role',
      id,
      guildId: id,
      name: '@everyone',
      permissions: spec.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
      position: 0,
    });
    (spec.roles ?? []).forEach((r, i) => {
      const role: RoleRecord = { kind: 'role', id: this.ids.next(), guildId: id, ...r, position: i + 1 };
      guild.roles.set(role.id, role);
    });
    for (const name of spec.textChannels ?? ['general']) this.addChannel(guild, name, ChannelType.GuildText);
    for (const name of spec.voiceChannels ?? ['voice']) this.addChannel(guild, name, ChannelType.GuildVoice);
    this.addMember(guild, this.bot.id);
    this.addMember(guild, this.owner.id);
    return guild;
  }

  addChannel(guild: GuildRecord, name: string, type: number): ChannelRecord {
    const channel: ChannelRecord = {
      kind: 'channel',
      id: this.ids.next(),
      guildId: guild.id,
      name,
      type,
      position: guild.channels.size,
      overwrites: [],
    };
    guild.channels.set(channel.id, channel);
    return channel;
  }

  addMember(guild: GuildRecord, userId: string, roles: string[] = []): MemberRecord {
    const member: MemberRecord = { userId, roles, joinedAt: new Date().toISOString() };
    guild.members.set(userId, member);
    return member;
  }

  guild(id: string): GuildRecord {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`fake-discord: unknown guild ${id}`);
    return guild;
  }

  /** Finds a channel by id in any guild. */
  channel(id: string): ChannelRecord | undefined {
    for (const g of this.guilds.values()) {
      const c = g.channels.get(id);
      if (c) return c;
    }
    return undefined;
  }

  /** Effective permissions of a member, in a channel when given (Discord's overwrite algorithm). */
  permissions(guild: GuildRecord, userId: string, channelId?: string): bigint {
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    const member = guild.members.get(userId);
    if (!member) return 0n;
    let perms = guild.roles.get(guild.everyoneRoleId)?.permissions ?? 0n;
    for (const roleId of member.roles) perms |= guild.roles.get(roleId)?.permissions ?? 0n;
    if (perms & Permission.Administrator) return ALL_PERMISSIONS;
    const channel = channelId ? guild.channels.get(channelId) : undefined;
    if (!channel) return perms;
    const everyone = channel.overwrites.find((o) => o.id === guild.everyoneRoleId);
    if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
    let allow = 0n;
    let deny = 0n;
    for (const o of channel.overwrites) {
      if (o.type === 0 && member.roles.includes(o.id)) {
        allow |= o.allow;
        deny |= o.deny;
      }
    }
    perms = (perms & ~deny) | allow;
    const own = channel.overwrites.find((o) => o.type === 1 && o.id === userId);
    if (own) perms = (perms & ~own.deny) | own.allow;
    return perms;
  }
}
