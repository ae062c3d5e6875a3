// /usage: this server's voice minutes and Gemini tokens today and over the last 7 days.
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../src/discord/command.ts';
import { requireGuild } from '../src/discord/preconditions.ts';
import { NOT_READ_SENTENCE, type Store, type UsageDay, unlessUnavailable } from '../src/store/index.ts';

export interface UsageServices {
  store: Store;
}

const minutes = (day: UsageDay) => (day.voiceSeconds / 60).toFixed(1);
const tokens = (n: number) => n.toLocaleString('en-US');

export function usageText(
  days: readonly UsageDay[],
  budgetMinutes: number,
  remainingSeconds: number,
): string {
  const today = days.at(-1);
  const lines = ['**Usage in this server** (UTC days)'];
  if (today) {
    const budget =
      budgetMinutes === 0
        ? 'no daily budget'
        : `${(Math.max(0, remainingSeconds) / 60).toFixed(1)} of ${budgetMinutes} min left today`;
    lines.push(`Today: ${minutes(today)} voice min, ${tokens(today.totalTokens)} tokens — ${budget}.`);
  }
  lines.push('```', 'day         voice min     tokens');
  for (const day of days) {
    lines.push(`${day.day}  ${minutes(day).padStart(9)}  ${tokens(day.totalTokens).padStart(9)}`);
  }
  lines.push('```');
  return lines.join('\n');
}

export const usageCommand: Command<UsageServices> = {
  data: new SlashCommandBuilder()
    .setName('usage')
    .setDescription("This server's voice minutes and Gemini tokens, today and the last 7 days")
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute(interaction, { store }) {
    const { guild } = requireGuild(interaction);
    const read = async () => {
      const budget = (await store.settings.get(guild.id)).dailyVoiceMinutes;
      const [days, remaining] = await Promise.all([
        store.usage.lastDays(guild.id, 7),
        store.usage.remainingVoiceSeconds(guild.id, budget),
      ]);
      return { budget, days, remaining };
    };
    const { budget, days, remaining } = await unlessUnavailable(store, read(), NOT_READ_SENTENCE);
    const text = usageText(days, budget, remaining);
    await interaction.reply({ content: text, flags: MessageFlags.Ephemeral });
  },
};
