// Telling the bot a person moved in voice: the gateway's state update and the voice socket's op 13/11.
import { Intent } from './gateway.ts';
import type { FakeDiscord } from './index.ts';
import { voiceStatePayload } from './payloads.ts';

type Parts = Pick<FakeDiscord, 'world' | 'gateway' | 'voice'>;

/** VOICE_STATE_UPDATE on the gateway; op 13 (left) / op 11 (joined) on the bot's voice session there. */
export async function announceVoiceMove(
  d: Parts,
  guildId: string,
  userId: string,
  from: string | null,
  to: string | null,
): Promise<void> {
  const guild = d.world.guild(guildId);
  const state = guild.voiceStates.get(userId);
  if (state) {
    d.gateway.dispatch('VOICE_STATE_UPDATE', voiceStatePayload(d.world, guild, state), {
      guildId,
      intent: Intent.GuildVoiceStates,
    });
  }
  const session = d.voice.sessions.get(guildId);
  if (!session) return;
  if (from === session.channelId) {
    session.speakingSent.delete(userId);
    await d.voice.send(session, 13, { user_id: userId });
  }
  if (to === session.channelId) await d.voice.send(session, 11, { user_ids: [userId] });
}
