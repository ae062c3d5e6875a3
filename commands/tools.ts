// /tools: lists every tool Gemini can call, with its parameters; each is also its own slash command.
import { ApplicationCommandOptionType, type ChatInputCommandInteraction, MessageFlags } from 'discord.js';
import type { Command } from '../src/discord/command.ts';
import type { ToolRegistry } from '../src/tools/registry.ts';
import { toolsEmbedPages } from '../src/tools/tools-embed.ts';

/** What /tools needs from main's services bag. */
export interface ToolsCommandServices {
  tools: ToolRegistry;
}

export const toolsCommand: Command<ToolsCommandServices> = {
  data: {
    name: 'tools',
    description: 'List the tools Gemini can use while you talk; each is also its own slash command.',
    options: [
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'page',
        description: 'Which page of the list to show',
        min_value: 1,
      },
    ],
  },
  async execute(interaction: ChatInputCommandInteraction, services: ToolsCommandServices) {
    const pages = toolsEmbedPages(services.tools.commands());
    const wanted = interaction.options.getInteger('page') ?? 1;
    const page = pages[Math.min(Math.max(wanted, 1), pages.length) - 1];
    await interaction.reply({ embeds: page ? [page] : [], flags: MessageFlags.Ephemeral });
  },
};
