// A guild of the fake's world seen the way tests ask for it: by name, with its channels by name.
import { type ChannelRecord, ChannelType, type GuildRecord, type World } from './world.ts';

/** A guild with lookups by name. */
export interface GuildView {
  id: string;
  name: string;
  record: GuildRecord;
  everyoneRoleId: string;
  text(name?: string): ChannelRecord;
  voice(name?: string): ChannelRecord;
}

/** The first guild, or the one with that name or id; throws naming what is missing. */
export function guildView(world: World, nameOrId?: string): GuildView {
  const all = [...world.guilds.values()];
  const record = nameOrId ? all.find((g) => g.name === nameOrId || g.id === nameOrId) : all[0];
  if (!record) throw new Error(`fake-discord: no guild ${nameOrId}`);
  const find = (type: number, name?: string): ChannelRecord => {
    const c = [...record.channels.values()].find((ch) => ch.type === type && (!name || ch.name === name));
    if (!c)
      throw new Error(
        `fake-discord: no ${type === 0 ? 'text' : 'voice'} channel ${name ?? ''} in ${record.name}`,
      );
    return c;
  };
  return {
    id: record.id,
    name: record.name,
    record,
    everyoneRoleId: record.everyoneRoleId,
    text: (name) => find(ChannelType.GuildText, name),
    voice: (name) => find(ChannelType.GuildVoice, name),
  };
}
