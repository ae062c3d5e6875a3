// discord.js implementations of the transcript publisher's ports: the channel sink and name lookup.
import type { Client } from 'discord.js';
import { NO_MENTIONS } from './format.ts';
import type { TranscriptSink } from './publisher.ts';

/** Nobody is ever pinged by a transcript, whatever its text says. */

/** Posts and edits in one text channel by id; every request carries `allowed_mentions: { parse: [] }`. */
export function channelTranscriptSink(client: Client, channelId: string): TranscriptSink {
  const channel = async () => {
    const found = await client.channels.fetch(channelId);
    if (!found?.isSendable() || !('messages' in found)) {
      throw new Error('transcript channel is not a text channel I can post in');
    }
    return found;
  };
  return {
    async post(content) {
      const message = await (await channel()).send({ content, allowedMentions: NO_MENTIONS });
      return message.id;
    },
    async edit(messageId, content) {
      await (await channel()).messages.edit(messageId, { content, allowedMentions: NO_MENTIONS });
    },
    async remove(messageId) {
      await (await channel()).messages.delete(messageId);
    },
  };
}

/** Guild display name (nickname, then global name, then username); 'Someone' when unknown. */
export function memberNames(client: Client, guildId: string): (userId: string) => Promise<string> {
  return async function nameOf(userId) {
    const guild = client.guilds.cache.get(guildId);
    const member = guild?.members.cache.get(userId) ?? (await guild?.members.fetch(userId).catch(() => null));
    return member?.displayName ?? client.users.cache.get(userId)?.displayName ?? 'Someone';
  };
}

/** The bot's own display name in the guild, for the answer lines. */
export function botDisplayName(client: Client, guildId: string): string {
  return client.guilds.cache.get(guildId)?.members.me?.displayName ?? client.user?.displayName ?? 'Gemini';
}
