// The conversation behind an @mention: the reply chain up through the bot's earlier answers.
import type { Message } from 'discord.js';

export interface HistoryTurn {
  role: 'user' | 'model';
  text: string;
}

/**
 * Walks `message`'s reply chain up to `maxMessages` (each step is one REST fetch at most) and
 * returns it oldest first: the bot's messages as model turns, everyone else's as user turns,
 * with the bot's mention stripped. Adjacent turns of one role are merged. A message that can no
 * longer be fetched (deleted) ends the chain.
 */
export async function replyChain(
  message: Message,
  botId: string,
  maxMessages: number,
): Promise<HistoryTurn[]> {
  const turns: HistoryTurn[] = [];
  let current: Message | null = message;
  while (current?.reference?.messageId && turns.length < maxMessages) {
    const parent: Message | null = await current.fetchReference().catch(() => null);
    if (!parent) break;
    const role = parent.author.id === botId ? 'model' : 'user';
    const text = role === 'model' ? parent.content : stripBotMention(parent.content, botId);
    if (text.trim() !== '') turns.push({ role, text: text.trim() });
    current = parent;
  }
  return mergeAdjacent(turns.reverse());
}

/** Removes `<@bot>` / `<@!bot>` from a message and trims it. */
export function stripBotMention(content: string, botId: string): string {
  return content
    .replace(new RegExp(`<@!?${botId}>`, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function mergeAdjacent(turns: HistoryTurn[]): HistoryTurn[] {
  const merged: HistoryTurn[] = [];
  for (const turn of turns) {
    const last = merged.at(-1);
    if (last && last.role === turn.role) last.text = `${last.text}\n${turn.text}`;
    else merged.push({ ...turn });
  }
  return merged;
}
