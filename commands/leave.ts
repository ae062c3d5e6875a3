// /leave: the bot leaves the voice channel and closes the guild's Live session.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/discord/command.ts';
import { requireGuild } from '../src/discord/preconditions.ts';
import type { SessionRegistry } from '../src/guild/session-registry.ts';
import { NO_MENTIONS } from '../src/transcripts/format.ts';

export interface LeaveServices {
  sessions: SessionRegistry;
}

export const leaveCommand: Command<LeaveServices> = {
  data: new SlashCommandBuilder()
    .setName('leave')
    .setDescription('Leave the voice channel and end the conversation')
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute(interaction, { sessions }) {
    const { guild } = requireGuild(interaction);
    const session = sessions.get(guild.id);
    if (!session) {
      await interaction.reply({
        content: 'I am not in a voice channel in this server.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const channelId = session.voiceChannelId;
    await interaction.deferReply();
    await session.end({ code: 'SESSION_LEFT', message: 'Left the voice channel.' }, { notify: false });
    await interaction.editReply({ content: `👋 Left <#${channelId}>.`, allowedMentions: NO_MENTIONS });
  },
};
