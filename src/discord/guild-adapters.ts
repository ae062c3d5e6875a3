// discord.js-backed implementations of the small interfaces guild/ depends on.
import type { Client, Guild } from 'discord.js';
import type { NoticeSink, VoiceRoster } from '../guild/guild-session.ts';
import { truncate } from '../tools/result-text.ts';
import { DISCORD_MESSAGE_MAX_CHARS, NO_MENTIONS } from '../transcripts/format.ts';

/** Humans in a voice channel, from the gateway's voice-state cache (needs GuildVoiceStates). */
export function voiceRosterOf(guild: Guild): VoiceRoster {
  return {
    humansIn(channelId) {
      return guild.voiceStates.cache
        .filter((state) => state.channelId === channelId && state.member?.user.bot !== true)
        .filter((state) => state.id !== guild.client.user.id)
        .map((state) => state.id);
    },
    isBot(userId) {
      if (userId === guild.client.user.id) return true;
      const user = guild.members.cache.get(userId)?.user ?? guild.client.users.cache.get(userId);
      return user?.bot === true;
    },
  };
}

/**
 * Posts to a text channel by id with every mention disabled: notices may quote model output or
 * user names, and must never ping anyone.
 */
export function textChannelSink(client: Client, channelId: string): NoticeSink {
  return {
    async post(text) {
      const channel = await client.channels.fetch(channelId);
      if (!channel?.isSendable()) throw new Error('notice channel is not a text channel I can post in');
      // Cut cleanly (never inside a surrogate pair) at Discord's message limit.
      const content = truncate(text, DISCORD_MESSAGE_MAX_CHARS);
      await channel.send({ content, allowedMentions: NO_MENTIONS });
    },
  };
}
