// /optout and /optin: anyone can choose never to be heard by Gemini or shown in transcripts.
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/discord/command.ts';
import { NOT_SAVED_SENTENCE, type Store, unlessUnavailable } from '../src/store/index.ts';

export interface OptOutServices {
  store: Store;
}

export const optOutCommand: Command<OptOutServices> = {
  data: new SlashCommandBuilder()
    .setName('optout')
    .setDescription('Never send my voice to Gemini or show my speech in transcripts (every server)')
    .toJSON(),

  async execute(interaction, { store }) {
    // Resolves once this process's memory has it; the store's optOut event has already told every
    // session here, and other processes hear it through the change feed.
    const changed = await unlessUnavailable(
      store,
      store.optOuts.add(interaction.user.id),
      NOT_SAVED_SENTENCE,
    );
    await interaction.reply({
      content: changed
        ? '🔇 Done. Your voice will not be sent to Gemini and your speech will not appear in transcripts, in any server. Use `/optin` to undo.'
        : 'You had already opted out. Use `/optin` to undo.',
      flags: MessageFlags.Ephemeral,
    });
  },
};

export const optInCommand: Command<OptOutServices> = {
  data: new SlashCommandBuilder()
    .setName('optin')
    .setDescription('Let the bot hear me again (undoes /optout)')
    .toJSON(),

  async execute(interaction, { store }) {
    const changed = await unlessUnavailable(
      store,
      store.optOuts.remove(interaction.user.id),
      NOT_SAVED_SENTENCE,
    );
    await interaction.reply({
      content: changed
        ? '🎙️ Welcome back. When the bot is in your voice channel, what you say is sent to Gemini again.'
        : 'You were not opted out.',
      flags: MessageFlags.Ephemeral,
    });
  },
};
