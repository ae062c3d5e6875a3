// Helpers for the settings e2e test: submitting a modal as Discord would, and bounded polling.
import type { FakeDiscord, FakeHuman } from '../fakes/fake-discord/index.ts';
import { buildInteraction, InteractionHandle } from '../fakes/fake-discord/interaction.ts';
import type { Json } from '../fakes/fake-discord/payloads.ts';
import type { ChannelRecord } from '../fakes/fake-discord/world.ts';

const MODAL_SUBMIT = 5;
const ACTION_ROW = 1;
const TEXT_INPUT = 4;

/**
 * Sends the INTERACTION_CREATE (type 5, MODAL_SUBMIT) Discord sends when `human` submits the modal
 * `customId` with the given text inputs; returns a handle to await the bot's reply.
 */
export async function submitModal(
  discord: FakeDiscord,
  human: FakeHuman,
  customId: string,
  inputs: Record<string, string>,
  from?: ChannelRecord,
): Promise<InteractionHandle> {
  const channel = from ?? discord.defaultTextChannel();
  const guild = discord.world.guild(channel.guildId);
  await discord.gateway.waitForSession(guild.id);
  // The slash payload carries the member, channel and permissions a modal submit carries too.
  const base = buildInteraction(
    {
      world: discord.world,
      guild,
      commands: discord.commands,
      appId: discord.appId,
      invokerId: human.id,
      channel,
    },
    customId,
    {},
  );
  const payload: Json = {
    ...base,
    type: MODAL_SUBMIT,
    data: {
      custom_id: customId,
      components: Object.entries(inputs).map(([id, value]) => ({
        type: ACTION_ROW,
        components: [{ type: TEXT_INPUT, custom_id: id, value }],
      })),
    },
  };
  const handle = new InteractionHandle({
    id: String(payload.id),
    token: String(payload.token),
    name: `modal ${customId}`,
    channelId: channel.id,
    payload,
  });
  discord.interactions.set(handle.id, handle);
  discord.gateway.dispatch('INTERACTION_CREATE', payload, { guildId: guild.id });
  return handle;
}
