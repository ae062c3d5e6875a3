// Routes slash commands, components and modals to their command; turns failures into replies.
import { randomBytes } from 'node:crypto';
import { type Interaction, MessageFlags, type RepliableInteraction } from 'discord.js';
import { UserFacingError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { NO_MENTIONS } from '../transcripts/format.ts';
import { type Command, commandOfCustomId } from './command.ts';

export class InteractionRouter<Services> {
  readonly #commands = new Map<string, Command<Services>>();
  readonly #services: Services;
  readonly #log: Logger;

  constructor(commands: readonly Command<Services>[], services: Services, log: Logger) {
    for (const command of commands) {
      if (this.#commands.has(command.data.name)) {
        throw new Error(`Two commands are named /${command.data.name}`);
      }
      this.#commands.set(command.data.name, command);
    }
    this.#services = services;
    this.#log = log;
  }

  get commands(): Command<Services>[] {
    return [...this.#commands.values()];
  }

  /** Never throws: every failure becomes a reply to whoever clicked or typed. */
  async handle(interaction: Interaction): Promise<void> {
    const name = routeName(interaction);
    const command = name === null ? undefined : this.#commands.get(name);
    if (!command) {
      if (interaction.isRepliable())
        await this.#fail(interaction, new UserFacingError('That command is not available any more.'));
      return;
    }
    try {
      if (interaction.isChatInputCommand()) await command.execute(interaction, this.#services);
      else if (interaction.isAutocomplete()) await command.autocomplete?.(interaction, this.#services);
      else if (interaction.isMessageComponent()) await command.handleComponent?.(interaction, this.#services);
      else if (interaction.isModalSubmit()) await command.handleModal?.(interaction, this.#services);
    } catch (error) {
      if (interaction.isRepliable()) await this.#fail(interaction, error);
      else this.#log.error({ err: error, command: name }, 'interaction handler failed');
    }
  }

  async #fail(interaction: RepliableInteraction, error: unknown): Promise<void> {
    let content: string;
    if (error instanceof UserFacingError) {
      content = error.message;
      this.#log.info({ code: error.code, command: routeName(interaction) }, 'command refused');
    } else {
      // A short id lets the owner find the full error in the logs without showing it to users.
      const errorId = randomBytes(4).toString('hex');
      this.#log.error({ err: error, errorId, command: routeName(interaction) }, 'command failed');
      content = `Something went wrong on my side (error id ${errorId}). Please try again in a moment.`;
    }
    try {
      if (interaction.deferred || interaction.replied) {
        await interaction.followUp({
          content,
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
      } else {
        await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      }
    } catch (replyError) {
      // The interaction token may have expired (3 s / 15 min); nothing more can be said to the user.
      this.#log.warn({ err: replyError }, 'could not report a command failure');
    }
  }
}

function routeName(interaction: Interaction): string | null {
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) return interaction.commandName;
  if (interaction.isMessageComponent() || interaction.isModalSubmit())
    return commandOfCustomId(interaction.customId);
  return null;
}
