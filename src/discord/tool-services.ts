// GuildToolServices backed by discord.js and the session registry: what tools may do in a guild.
import type { Client } from 'discord.js';
import type { SessionRegistry } from '../guild/session-registry.ts';
import type { ToolRunOrigin } from '../tools/define-tool.ts';
import type { GuildToolServices } from '../tools/guild-services.ts';
import { textChannelSink } from './guild-adapters.ts';

export function toolServicesFor(
  client: Client,
  sessions: SessionRegistry,
): (origin: ToolRunOrigin) => GuildToolServices | null {
  return (origin) => {
    const guildId = origin.guildId;
    if (guildId === null) return null;
    const textChannelId = () => sessions.get(guildId)?.textChannelId ?? origin.channelId;
    return {
      timeZone: 'UTC',
      async voiceMembers() {
        const session = sessions.get(guildId);
        const guild = client.guilds.cache.get(guildId);
        if (!session || !guild) return null;
        const speaking = new Set(session.recentSpeakers());
        return guild.voiceStates.cache
          .filter((s) => s.channelId === session.voiceChannelId && s.id !== client.user?.id)
          .map((s) => ({
            id: s.id,
            displayName: s.member?.displayName ?? s.id,
            speaking: speaking.has(s.id),
          }));
      },
      async postMessage(text) {
        const channelId = textChannelId();
        if (!channelId) throw new Error('no text channel to post in');
        await textChannelSink(client, channelId).post(text);
      },
      async leaveVoice(reason) {
        const session = sessions.get(guildId);
        if (!session) return;
        // Scheduled, not awaited: teardown aborts running tools, including the one asking to leave.
        setImmediate(
          () =>
            void session.end({
              code: 'SESSION_LEFT_BY_REQUEST',
              message: `Left the voice channel (${reason}). Use /join to bring me back.`,
            }),
        );
      },
    };
  };
}
