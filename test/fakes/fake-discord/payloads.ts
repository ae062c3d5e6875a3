// JSON shapes of world objects as the Discord API (v10) sends them to discord.js.
import type {
  ChannelRecord,
  GuildRecord,
  MemberRecord,
  RoleRecord,
  UserRecord,
  VoiceStateRecord,
  World,
} from './world.ts';

export type Json = Record<string, unknown>;

export function userPayload(user: UserRecord): Json {
  return {
    id: user.id,
    username: user.username,
    global_name: user.username,
    discriminator: '0',
    avatar: null,
    bot: user.bot,
    public_flags: 0,
  };
}

export function memberPayload(world: World, member: MemberRecord): Json {
  const user = world.users.get(member.userId);
  return {
    user: user ? userPayload(user) : { id: member.userId },
    roles: member.roles,
    joined_at: member.joinedAt,
    nick: null,
    avatar: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  };
}

export function rolePayload(role: RoleRecord): Json {
  return {
    id: role.id,
    name: role.name,
    permissions: role.permissions.toString(),
    position: role.position,
    color: 0,
    hoist: false,
    managed: false,
    mentionable: true,
    flags: 0,
  };
}

export function channelPayload(channel: ChannelRecord): Json {
  return {
    id: channel.id,
    guild_id: channel.guildId,
    name: channel.name,
    type: channel.type,
    position: channel.position,
    parent_id: null,
    nsfw: false,
    permission_overwrites: channel.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
    ...(channel.type === 2 ? { bitrate: 64_000, user_limit: 0, rtc_region: null } : { topic: null }),
  };
}

export function voiceStatePayload(world: World, guild: GuildRecord, state: VoiceStateRecord): Json {
  const member = guild.members.get(state.userId);
  return {
    guild_id: guild.id,
    channel_id: state.channelId,
    user_id: state.userId,
    session_id: state.sessionId,
    deaf: false,
    mute: false,
    self_deaf: state.selfDeaf,
    self_mute: state.selfMute,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
    ...(member ? { member: memberPayload(world, member) } : {}),
  };
}

export function guildCreatePayload(world: World, guild: GuildRecord): Json {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    owner_id: guild.ownerId,
    unavailable: false,
    large: false,
    member_count: guild.members.size,
    joined_at: new Date().toISOString(),
    features: [],
    emojis: [],
    stickers: [],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    premium_tier: 0,
    preferred_locale: 'en-US',
    afk_timeout: 300,
    afk_channel_id: null,
    system_channel_id: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    system_channel_flags: 0,
    premium_progress_bar_enabled: false,
    roles: [...guild.roles.values()].map(rolePayload),
    channels: [...guild.channels.values()].map(channelPayload),
    members: [...guild.members.values()].map((m) => memberPayload(world, m)),
    voice_states: [...guild.voiceStates.values()]
      .filter((s) => s.channelId !== null)
      .map((s) => voiceStatePayload(world, guild, s)),
  };
}
