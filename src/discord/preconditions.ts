// Small checks a command runs before doing anything; each failure is one clear sentence.
import {
  ChannelType,
  type ChatInputCommandInteraction,
  type Guild,
  type GuildMember,
  PermissionFlagsBits,
  type VoiceBasedChannel,
} from 'discord.js';
import { UserFacingError } from '../errors.ts';
import { joinNames } from '../transcripts/format.ts';
import { neededIn } from './permissions.ts';

export interface GuildContext {
  guild: Guild;
  member: GuildMember;
}

export function requireGuild(interaction: ChatInputCommandInteraction): GuildContext {
  const guild = interaction.guild;
  const member = guild?.members.cache.get(interaction.user.id) ?? null;
  if (!interaction.inCachedGuild() || !guild || !member) {
    throw new UserFacingError('This command only works in a server.', 'NOT_IN_GUILD');
  }
  return { guild, member };
}

/** The named voice channel, or the caller's current one. */
export function targetVoiceChannel(
  context: GuildContext,
  named: VoiceBasedChannel | null,
): VoiceBasedChannel {
  if (named) {
    if (!named.permissionsFor(context.member).has(PermissionFlagsBits.ViewChannel)) {
      throw new UserFacingError('I cannot find that voice channel.', 'VOICE_CHANNEL_HIDDEN');
    }
    return named;
  }
  const current = context.guild.voiceStates.cache.get(context.member.id)?.channel ?? null;
  if (!current) {
    throw new UserFacingError(
      'Join a voice channel first, or name one: `/join channel:`.',
      'CALLER_NOT_IN_VOICE',
    );
  }
  return current;
}

/**
 * Stage channels make the bot an audience member that cannot speak until a moderator invites it,
 * which would look like a silent, broken bot: refuse them with the reason instead.
 */
export function requireVoiceNotStage(channel: VoiceBasedChannel): void {
  if (channel.type === ChannelType.GuildStageVoice) {
    throw new UserFacingError(
      `${channel.toString()} is a stage channel; I can only talk in regular voice channels.`,
      'STAGE_CHANNEL',
    );
  }
}

/** The bot must be able to see, connect and speak, and the channel must have room for it. */
export function requireBotCanJoin(guild: Guild, channel: VoiceBasedChannel): void {
  const me = guild.members.me;
  const permissions = me ? channel.permissionsFor(me) : null;
  const missing = neededIn('voice')
    .filter((p) => !permissions?.has(p.bit))
    .map((p) => p.label);
  if (missing.length > 0) {
    throw new UserFacingError(
      `I need the ${joinNames(missing, 'and')} permission${missing.length > 1 ? 's' : ''} in ${channel.toString()}. Ask a server admin to grant them.`,
      'BOT_MISSING_VOICE_PERMISSIONS',
    );
  }
  if (channel.full && !permissions?.has(PermissionFlagsBits.MoveMembers)) {
    throw new UserFacingError(`${channel.toString()} is full.`, 'VOICE_CHANNEL_FULL');
  }
}

export function requireManageGuild(member: Pick<GuildMember, 'permissions'>): void {
  if (!member.permissions.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserFacingError('Only people with the Manage Server permission can do that.', 'NOT_A_MANAGER');
  }
}
