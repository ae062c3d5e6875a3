// One slash command per tool, running the same handler as Gemini's calls and replying with the result.
import { type ChatInputCommandInteraction, type InteractionReplyOptions, MessageFlags } from 'discord.js';
import { type Clock, raceTimeout, systemClock } from '../clock.ts';
import type { Command } from '../discord/command.ts';
import { DISCORD_MESSAGE_MAX_CHARS, NO_MENTIONS } from '../transcripts/format.ts';
import type { ToolRunOrigin } from './define-tool.ts';
import type { ToolRegistry } from './registry.ts';
import { truncate } from './result-text.ts';

export interface ToolCommandOptions {
  /**
   * Reply at once when the tool finishes within this many ms, otherwise defer first: Discord drops
   * an interaction not answered within 3 s. Default 2000.
   */
  deferAfterMs?: number;
  clock?: Clock;
}

/** Valid both as a reply and as an edit of a deferred reply. */
function successReply(text: string) {
  return { content: truncate(text, DISCORD_MESSAGE_MAX_CHARS), allowedMentions: NO_MENTIONS };
}

function errorReply(error: string): InteractionReplyOptions {
  return {
    content: truncate(`⚠️ ${error}`, DISCORD_MESSAGE_MAX_CHARS),
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  };
}

export function toolCommands(registry: ToolRegistry, options: ToolCommandOptions = {}): Command[] {
  const deferAfterMs = options.deferAfterMs ?? 2000;
  const clock = options.clock ?? systemClock;
  return registry.commands().map((data) => ({
    data,
    async execute(interaction: ChatInputCommandInteraction) {
      const args: Record<string, unknown> = {};
      for (const option of interaction.options.data) {
        if (option.value !== undefined) args[option.name] = option.value;
      }
      const origin: ToolRunOrigin = {
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
        via: 'slash',
      };
      // The registry's own timeout bounds the run; nothing else cancels a slash run but abortAll.
      const running = registry.run(data.name, args, origin, new AbortController().signal);
      const early = await raceTimeout(running, deferAfterMs, clock, () => undefined);
      if (early) {
        await interaction.reply('error' in early ? errorReply(early.error) : successReply(early.text));
        return;
      }
      await interaction.deferReply();
      const result = await running;
      if (!('error' in result)) {
        await interaction.editReply(successReply(result.text));
        return;
      }
      // A deferred reply is public; errors go to the caller alone, as for fast runs.
      await interaction.deleteReply();
      await interaction.followUp(errorReply(result.error));
    },
  }));
}
