// The Discord permissions the bot needs, in one table: the invite link, /join and the doctor use it.
import { PermissionFlagsBits } from 'discord.js';

export interface NeededPermission {
  label: string;
  bit: bigint;
  /** Where it is needed: in voice channels (join, talk) or text channels (transcripts, replies). */
  scope: 'voice' | 'text';
}

/**
 * Embed Links shows /tools; Read Message History lets the bot reply to @mentions (a reply
 * references a message). Nothing else: no Manage, no Mention Everyone.
 */
export const NEEDED_PERMISSIONS: readonly NeededPermission[] = [
  { label: 'View Channel', bit: PermissionFlagsBits.ViewChannel, scope: 'voice' },
  { label: 'Connect', bit: PermissionFlagsBits.Connect, scope: 'voice' },
  { label: 'Speak', bit: PermissionFlagsBits.Speak, scope: 'voice' },
  { label: 'View Channel', bit: PermissionFlagsBits.ViewChannel, scope: 'text' },
  { label: 'Send Messages', bit: PermissionFlagsBits.SendMessages, scope: 'text' },
  { label: 'Embed Links', bit: PermissionFlagsBits.EmbedLinks, scope: 'text' },
  { label: 'Read Message History', bit: PermissionFlagsBits.ReadMessageHistory, scope: 'text' },
  { label: 'Use Application Commands', bit: PermissionFlagsBits.UseApplicationCommands, scope: 'text' },
];

export function neededIn(scope: NeededPermission['scope']): readonly NeededPermission[] {
  return NEEDED_PERMISSIONS.filter((p) => p.scope === scope);
}

/** The `permissions=` integer of the invite link in the README. */
export const INVITE_PERMISSIONS: bigint = NEEDED_PERMISSIONS.reduce((all, p) => all | p.bit, 0n);
