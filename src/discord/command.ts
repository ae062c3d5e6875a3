// The shape every slash command module has, and the services commands are handed.
import type { ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

/**
 * A slash command: its registration payload and its handler. `Services` is the bag of
 * instances main.ts builds (config, logger, registries, store); commands take what they need.
 */
export interface Command<Services = unknown> {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, services: Services): Promise<void>;
}
