// The shape every slash command module has, and the services commands are handed.
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageComponentInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';

/**
 * A slash command: its registration payload and its handler. `Services` is the bag of
 * instances main.ts builds (config, logger, registries, store); commands take what they need.
 *
 * Buttons, select menus and modals a command creates carry a custom id starting with
 * `<command name>:`; the router sends them back to the same command's optional handlers.
 */
export interface Command<Services = unknown> {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, services: Services): Promise<void>;
  handleComponent?(interaction: MessageComponentInteraction, services: Services): Promise<void>;
  handleModal?(interaction: ModalSubmitInteraction, services: Services): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, services: Services): Promise<void>;
}

/** The command name a component or modal belongs to, from its custom id. */
export function commandOfCustomId(customId: string): string {
  const colon = customId.indexOf(':');
  return colon === -1 ? customId : customId.slice(0, colon);
}
