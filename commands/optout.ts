// /optout and /optin: anyone can choose never to be heard by Gemini or shown in transcripts.
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/discord/command.ts';
import { NOT_SAVED_SENTENCE, type Store, unlessUnavailable } from '../src/store/index.ts';

export interface OptOutServices {
  store: Store;
}

/** One of the pair: what it changes in the store (true when it changed anything) and what the person reads. */
interface OptChange {
  name: string;
  description: string;
  change(store: Store, userId: string): Promise<boolean>;
  changed: string;
  unchanged: string;
}

function optCommand(spec: OptChange): Command<OptOutServices> {
  return {
    data: new SlashCommandBuilder().setName(spec.name).setDescription(spec.description).toJSON(),

    async execute(interaction, { store }) {
      const changed = await unlessUnavailable(
        store,
        spec.change(store, interaction.user.id),
        NOT_SAVED_SENTENCE,
      );
      await interaction.reply({
        content: changed ? spec.changed : spec.unchanged,
        flags: MessageFlags.Ephemeral,
      });
    },
  };
}

export const optOutCommand = optCommand({
  name: 'optout',
  description: 'Never send my voice to Gemini or show my speech in transcripts (every server)',
  // Resolves once this process's memory has it; the store's optOut event has already told every
  // session here, and other processes hear it through the change feed.
  change: (store, userId) => store.optOuts.add(userId),
  changed:
    '🔇 Done. Your voice will not be sent to Gemini and your speech will not appear in transcripts, in any server. Use `/optin` to undo.',
  unchanged: 'You had already opted out. Use `/optin` to undo.',
});

export const optInCommand = optCommand({
  name: 'optin',
  description: 'Let the bot hear me again (undoes /optout)',
  change: (store, userId) => store.optOuts.remove(userId),
  changed: '🎙️ Welcome back. When the bot is in your voice channel, what you say is sent to Gemini again.',
  unchanged: 'You were not opted out.',
});
