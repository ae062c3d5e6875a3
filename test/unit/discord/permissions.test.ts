import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { INVITE_PERMISSIONS, NEEDED_PERMISSIONS } from '../../../src/discord/permissions.ts';

describe('needed permissions', () => {
  it("GIVEN the README's invite link THEN it grants exactly what the bot checks for", () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const invite = /permissions=(\d+)/.exec(readme)?.[1];
    expect(invite).toBe(String(INVITE_PERMISSIONS));
    expect(new PermissionsBitField(INVITE_PERMISSIONS).toArray().sort()).toEqual(
      [
        'Connect',
        'EmbedLinks',
        'ReadMessageHistory',
        'SendMessages',
        'Speak',
        'UseApplicationCommands',
        'ViewChannel',
      ].sort(),
    );
  });

  it('GIVEN the table THEN it never asks for moderation or mass-mention powers', () => {
    const dangerous =
      PermissionFlagsBits.Administrator |
      PermissionFlagsBits.MentionEveryone |
      PermissionFlagsBits.ManageGuild;
    expect(NEEDED_PERMISSIONS.every((p) => (p.bit & dangerous) === 0n)).toBe(true);
  });
});
