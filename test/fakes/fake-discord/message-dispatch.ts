// Gateway payloads built from the world: READY + GUILD_CREATE at identify, and MESSAGE_* events.
import { type GatewayServer, type GatewaySession, Intent } from './gateway.ts';
import { shardOf } from './ids.ts';
import type { MessageStore, StoredMessage } from './message-store.ts';
import { guildCreatePayload, type Json, memberPayload, userPayload } from './payloads.ts';
import type { World } from './world.ts';

export type MessageEvent = 'MESSAGE_CREATE' | 'MESSAGE_UPDATE' | 'MESSAGE_DELETE';

export interface DispatchContext {
  world: World;
  gateway: GatewayServer;
  messages: MessageStore;
}

/**
 * Sends a MESSAGE_* event to every session of the guild's shard that asked for GuildMessages.
 * Like Discord, content is emptied for sessions without MessageContent unless the message is the
 * bot's own or mentions the bot.
 */
export function dispatchMessageEvent(
  ctx: DispatchContext,
  message: StoredMessage,
  event: MessageEvent,
): void {
  const { world, gateway, messages } = ctx;
  if (event === 'MESSAGE_DELETE') {
    gateway.dispatch(
      event,
      { id: message.id, channel_id: message.channelId, guild_id: message.guildId },
      { guildId: message.guildId, intent: Intent.GuildMessages },
    );
    return;
  }
  const guild = world.guild(message.guildId);
  const member = guild.members.get(message.authorId);
  const referenced = message.replyTo ? messages.get(message.replyTo) : undefined;
  const full: Json = {
    ...messages.payload(message),
    guild_id: message.guildId,
    ...(member ? { member: { ...memberPayload(world, member), user: undefined } } : {}),
    ...(message.replyTo ? { referenced_message: referenced ? messages.payload(referenced) : null } : {}),
  };
  const visible = message.authorId === world.bot.id || message.mentionIds.includes(world.bot.id);
  const hidden: Json = { ...full, content: '', embeds: [], attachments: [], components: [] };
  for (const session of gateway.sessions) {
    if (!session.ws || shardOf(message.guildId, session.shard[1]) !== session.shard[0]) continue;
    if ((session.intents & Intent.GuildMessages) === 0) continue;
    const seesContent = visible || (session.intents & Intent.MessageContent) !== 0;
    gateway.send(session, { op: 0, t: event, d: seesContent ? full : hidden });
  }
}

/** READY (guilds unavailable until their GUILD_CREATE) and one GUILD_CREATE per guild of the shard. */
export function identifyPayloads(
  world: World,
  session: GatewaySession,
  app: { appId: string; resumeUrl: string },
): { ready: Json; guildCreates: Json[] } {
  const guilds = [...world.guilds.values()].filter(
    (g) => shardOf(g.id, session.shard[1]) === session.shard[0],
  );
  return {
    ready: {
      v: 10,
      user: { ...userPayload(world.bot), verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: app.resumeUrl,
      shard: session.shard,
      application: { id: app.appId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
    },
    guildCreates: guilds.map((g) => guildCreatePayload(world, g)),
  };
}
