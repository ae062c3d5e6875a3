// Registers slash commands by bulk overwrite, globally or in one guild, skipped when unchanged.
import type {
  APIApplicationCommand,
  Client,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { Routes } from 'discord.js';
import type { Logger } from '../log.ts';

type CommandData = RESTPostAPIChatInputApplicationCommandsJSONBody;

export interface RegisterResult {
  scope: 'global' | 'guild';
  changed: boolean;
  count: number;
}

/**
 * Global registration takes up to an hour to reach every client and counts against a daily
 * quota, so an unchanged set is not sent again. The comparison uses only the fields we set,
 * with Discord's defaults filled in, because Discord echoes extra fields back.
 */
export async function registerCommands(
  client: Client<true>,
  commands: readonly CommandData[],
  guildId: string | undefined,
  log: Logger,
): Promise<RegisterResult> {
  const appId = client.application.id;
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const scope = guildId ? 'guild' : 'global';
  const existing = (await client.rest.get(route)) as APIApplicationCommand[];
  if (sameCommands(existing, commands)) {
    log.info({ scope, count: commands.length }, 'slash commands already up to date');
    return { scope, changed: false, count: commands.length };
  }
  await client.rest.put(route, { body: commands });
  log.info({ scope, count: commands.length }, 'slash commands registered');
  return { scope, changed: true, count: commands.length };
}

export function sameCommands(existing: readonly object[], wanted: readonly CommandData[]): boolean {
  const key = (list: readonly object[]) =>
    JSON.stringify(list.map(canonical).sort((a, b) => String(a.name).localeCompare(String(b.name))));
  return key(existing) === key(wanted);
}

function canonical(command: object): Record<string, unknown> {
  const c = command as Record<string, unknown>;
  return {
    name: c.name,
    description: c.description ?? '',
    type: c.type ?? 1,
    default_member_permissions: c.default_member_permissions ?? null,
    nsfw: c.nsfw ?? false,
    contexts: c.contexts ?? null,
    options: canonicalOptions(c.options),
  };
}

function canonicalOptions(options: unknown): unknown[] {
  if (!Array.isArray(options)) return [];
  return options.map((o: Record<string, unknown>) => ({
    type: o.type,
    name: o.name,
    description: o.description,
    required: o.required ?? false,
    choices: o.choices ?? [],
    min_value: o.min_value ?? null,
    max_value: o.max_value ?? null,
    min_length: o.min_length ?? null,
    max_length: o.max_length ?? null,
    channel_types: o.channel_types ?? [],
    autocomplete: o.autocomplete ?? false,
    options: canonicalOptions(o.options),
  }));
}
