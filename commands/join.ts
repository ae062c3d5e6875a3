// /join [channel] [fresh]: the bot joins a voice channel and opens the guild's Live session.
import { ChannelType, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/discord/command.ts';
import {
  requireBotCanJoin,
  requireGuild,
  requireVoiceNotStage,
  targetVoiceChannel,
} from '../src/discord/preconditions.ts';
import { UserFacingError } from '../src/errors.ts';
import type { SessionLauncher } from '../src/guild/session-launcher.ts';
import type { SessionRegistry } from '../src/guild/session-registry.ts';
import { NO_MENTIONS } from '../src/transcripts/format.ts';

/**
 * How long (ms) the join notice waits for the call's DAVE group to welcome the bot, so it can say
 * the call is end-to-end encrypted; Discord usually welcomes within a few hundred ms.
 */
const WELCOME_WAIT_MS = 1500;

export interface JoinServices {
  sessions: SessionRegistry;
  launcher: SessionLauncher;
}

export const joinCommand: Command<JoinServices> = {
  data: new SlashCommandBuilder()
    .setName('join')
    .setDescription('Join your voice channel and talk with Gemini')
    .setContexts(InteractionContextType.Guild)
    .addChannelOption((o) =>
      o
        .setName('channel')
        .setDescription('Voice channel to join (default: the one you are in)')
        .addChannelTypes(ChannelType.GuildVoice),
    )
    .addBooleanOption((o) =>
      o.setName('fresh').setDescription('Start a new conversation instead of continuing the last one'),
    )
    .toJSON(),

  async execute(interaction, { sessions, launcher }) {
    const context = requireGuild(interaction);
    const named = interaction.options.getChannel('channel', false, [ChannelType.GuildVoice]);
    const channel = targetVoiceChannel(context, named);
    requireVoiceNotStage(channel);
    requireBotCanJoin(context.guild, channel);

    const existing = sessions.get(context.guild.id);
    if (existing) {
      if (existing.voiceChannelId === channel.id) {
        throw new UserFacingError(`I am already here in ${channel.toString()}.`, 'ALREADY_IN_CHANNEL');
      }
      existing.moveTo(channel.id);
      await interaction.reply({
        content: `Moving to ${channel.toString()}.`,
        allowedMentions: NO_MENTIONS,
      });
      return;
    }

    // Joining voice and opening Gemini can take longer than Discord's 3 s reply window.
    await interaction.deferReply();
    const session = await launcher.launch({
      guild: context.guild,
      voiceChannelId: channel.id,
      textChannelId: interaction.channelId,
      fresh: interaction.options.getBoolean('fresh') ?? false,
    });
    const where = session.textChannelId === interaction.channelId ? 'here' : `in <#${session.textChannelId}>`;
    const dave = await session.whenEncrypted(WELCOME_WAIT_MS);
    await interaction.editReply({
      content: [
        `🎙️ Listening in ${channel.toString()}. What people say there is sent to Google Gemini, and I answer out loud.`,
        ...(dave?.encrypted
          ? [`🔒 This call is end-to-end encrypted (voice privacy code ${dave.privacyCode ?? '—'}).`]
          : []),
        `Transcripts will appear ${where}. Use \`/leave\` to stop; anyone who prefers not to be heard can use \`/optout\`.`,
      ].join('\n'),
      allowedMentions: NO_MENTIONS,
    });
  },
};
