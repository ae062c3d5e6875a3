// What a server moderator does to the bot: permission overwrites, moving it, disconnecting it.
import { Intent } from './gateway.ts';
import type { FakeDiscord } from './index.ts';
import { channelPayload, voiceStatePayload } from './payloads.ts';
import type { ChannelRecord } from './world.ts';

type Parts = Pick<FakeDiscord, 'world' | 'gateway' | 'voice' | 'signalling'>;

/** Sets a permission overwrite (e.g. deny Connect to the bot) and dispatches CHANNEL_UPDATE. */
export function setPermissionOverwrite(
  d: Parts,
  channel: ChannelRecord,
  target: { kind: 'role' | 'user'; id: string },
  perms: { allow?: bigint; deny?: bigint },
): void {
  channel.overwrites = channel.overwrites.filter((o) => o.id !== target.id);
  channel.overwrites.push({
    id: target.id,
    type: target.kind === 'role' ? 0 : 1,
    allow: perms.allow ?? 0n,
    deny: perms.deny ?? 0n,
  });
  d.gateway.dispatch('CHANNEL_UPDATE', channelPayload(channel), {
    guildId: channel.guildId,
    intent: Intent.Guilds,
  });
}

/** As Discord does it: the voice websocket closes with 4014, then state and server updates follow. */
export function moveBot(d: Parts, guildId: string, channel: ChannelRecord): void {
  const state = d.world.guild(guildId).voiceStates.get(d.world.bot.id);
  if (!state?.channelId) throw new Error('fake-discord: the bot is not in voice');
  if (d.voice.sessions.get(guildId)?.ws) d.voice.closeBotConnection(guildId, 4014);
  d.signalling.connectBot(d.world.guild(guildId), { ...state, channelId: channel.id });
}

/** The voice websocket closes with 4014 and a state update with channel null follows. */
export function disconnectBot(d: Parts, guildId: string): void {
  const g = d.world.guild(guildId);
  const state = g.voiceStates.get(d.world.bot.id);
  if (!state) throw new Error('fake-discord: the bot is not in voice');
  d.voice.endSession(guildId, 4014);
  g.voiceStates.delete(d.world.bot.id);
  d.gateway.dispatch('VOICE_STATE_UPDATE', voiceStatePayload(d.world, g, { ...state, channelId: null }), {
    guildId,
    intent: Intent.GuildVoiceStates,
  });
}
