// Doctor checks against Discord: the token (log in), intents, permissions per server, slash commands.
import {
  type APIApplicationCommand,
  ChannelType,
  type Client,
  Events,
  type Guild,
  type GuildMember,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from 'discord.js';
import type { Config } from '../config.ts';
import { createDiscordClient } from '../discord/client.ts';
import { NEEDED_PERMISSIONS, type NeededPermission, neededIn } from '../discord/permissions.ts';
import { sameCommands } from '../discord/register-commands.ts';
import { type CheckResult, fail, ok, skip, withTimeout } from './check.ts';
import { BOT_INTENT_BITS, checkIntents } from './intents.ts';

const LOGIN_TIMEOUT_MS = 15_000;
/** Servers listed by name in the token line; the rest are counted. */
const NAMED_GUILDS = 5;
/** Servers whose permissions get their own line. */
const CHECKED_GUILDS = 10;
const CLOSE_AUTHENTICATION_FAILED = 4004;

type CommandData = RESTPostAPIChatInputApplicationCommandsJSONBody;

const uniqueLabels = (permissions: readonly NeededPermission[]) => [
  ...new Set(permissions.map((p) => p.label)),
];
/** Everything the invite link grants, once each (View Channel is needed in both kinds of channel). */
const SERVER_WIDE = uniqueLabels(NEEDED_PERMISSIONS);
type Login = { ready: true } | { closeCode: number } | { error: unknown };

export async function checkDiscord(
  config: Pick<Config, 'DISCORD_TOKEN' | 'DISCORD_API_URL' | 'COMMANDS_GUILD_ID'>,
  wanted: readonly CommandData[],
): Promise<CheckResult[]> {
  const client = createDiscordClient(config);
  try {
    const login = await logIn(client, config.DISCORD_TOKEN);
    const token = tokenResult(client, login, config.DISCORD_API_URL);
    const closeCode = 'closeCode' in login ? login.closeCode : null;
    if (!('ready' in login)) {
      const intents =
        closeCode !== null && closeCode !== CLOSE_AUTHENTICATION_FAILED
          ? checkIntents({ requested: BOT_INTENT_BITS, appFlags: null, closeCode })
          : skip('Gateway intents', 'not checked: needs a working login');
      return [
        token,
        intents,
        skip('Permissions', 'not checked: needs a working login'),
        skip('Slash commands', 'not checked: needs a working login'),
      ];
    }
    const app = await client.application?.fetch().catch(() => null);
    const intents = checkIntents({
      requested: BOT_INTENT_BITS,
      appFlags: app?.flags.bitfield ?? null,
      closeCode,
    });
    return [
      token,
      intents,
      ...(await permissionResults(client)),
      await commandsResult(client, wanted, config),
    ];
  } finally {
    await client.destroy();
  }
}

/** Logs in and waits for READY, or for the gateway to refuse us (close code), bounded in time. */
function logIn(client: Client, token: string): Promise<Login> {
  const outcome = new Promise<Login>((resolve) => {
    client.once(Events.ClientReady, () => resolve({ ready: true }));
    client.on(Events.ShardDisconnect, (event) => resolve({ closeCode: event.code }));
    client.login(token).catch((error: unknown) => resolve({ error }));
  });
  return withTimeout(outcome, LOGIN_TIMEOUT_MS, 'logging in to Discord').catch((error: unknown) => ({
    error,
  }));
}

function tokenResult(client: Client, login: Login, apiUrl: string): CheckResult {
  const name = 'Discord token';
  const resetFix =
    'Discord Developer Portal → your application → Bot → Reset Token; paste the new token into .env as DISCORD_TOKEN';
  if ('ready' in login) {
    const guilds = [...client.guilds.cache.values()];
    const named = guilds.slice(0, NAMED_GUILDS).map((g) => `"${g.name}"`);
    if (guilds.length > NAMED_GUILDS) named.push(`and ${guilds.length - NAMED_GUILDS} more`);
    const where =
      guilds.length === 0 ? 'in no server yet' : `in ${guilds.length} server(s): ${named.join(', ')}`;
    return ok(name, `logged in as ${client.user?.tag} (id ${client.user?.id}), ${where}`);
  }
  if ('closeCode' in login) {
    return login.closeCode === CLOSE_AUTHENTICATION_FAILED
      ? fail(name, 'the gateway rejected the token (close code 4004)', resetFix)
      : ok(name, `accepted, but the gateway closed the session (close code ${login.closeCode})`);
  }
  const error = login.error as { code?: string; status?: number; message?: string };
  if (error.code === 'TokenInvalid' || error.status === 401) {
    return fail(name, 'Discord rejected DISCORD_TOKEN (401 Unauthorized)', resetFix);
  }
  return fail(
    'Discord connection',
    `could not log in at ${new URL(apiUrl).origin}: ${error.message ?? String(login.error)}`,
    'check the network connection and DISCORD_API_URL (normally https://discord.com/api, or leave it empty)',
  );
}

async function permissionResults(client: Client): Promise<CheckResult[]> {
  const guilds = [...client.guilds.cache.values()];
  if (guilds.length === 0) {
    return [
      fail(
        'Permissions',
        'the bot is in no server',
        'invite it with the link in README.md ("Creating the Discord application and inviting the bot")',
      ),
    ];
  }
  const results = await Promise.all(guilds.slice(0, CHECKED_GUILDS).map((g) => guildPermissions(g)));
  if (guilds.length > CHECKED_GUILDS) {
    results.push(skip('Permissions', `${guilds.length - CHECKED_GUILDS} more server(s) not checked`));
  }
  return results;
}

async function guildPermissions(guild: Guild): Promise<CheckResult> {
  const name = `Permissions in "${guild.name}"`;
  const fix = `in "${guild.name}": Server Settings → Roles → the bot's role: allow ${SERVER_WIDE.join(', ')}; and check the channels' permission overrides (Edit Channel → Permissions)`;
  let me: GuildMember;
  try {
    me = await guild.members.fetchMe();
  } catch (error) {
    return fail(name, `cannot read the bot's own member (${(error as Error).message})`, fix);
  }
  const missing = uniqueLabels(NEEDED_PERMISSIONS.filter((p) => !me.permissions.has(p.bit)));
  if (missing.length > 0) return fail(name, `missing ${missing.join(', ')} in the server`, fix);
  const voice = guild.channels.cache.filter(
    (c) => c.type === ChannelType.GuildVoice || c.type === ChannelType.GuildStageVoice,
  );
  const text = guild.channels.cache.filter((c) => c.type === ChannelType.GuildText);
  const lacking = (channelIds: string[], bits: bigint[]) =>
    channelIds.filter((id) => !bits.every((b) => guild.channels.cache.get(id)?.permissionsFor(me)?.has(b)));
  const voiceIds = [...voice.keys()];
  const textIds = [...text.keys()];
  const badVoice = lacking(
    voiceIds,
    neededIn('voice').map((p) => p.bit),
  );
  const badText = lacking(
    textIds,
    neededIn('text').map((p) => p.bit),
  );
  const label = (ids: string[]) =>
    ids
      .slice(0, 3)
      .map((id) => `#${guild.channels.cache.get(id)?.name ?? id}`)
      .join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '');
  if (voiceIds.length > 0 && badVoice.length === voiceIds.length) {
    return fail(
      name,
      `lacks ${uniqueLabels(neededIn('voice')).join(', ')} in every voice channel (overridden in ${label(badVoice)})`,
      fix,
    );
  }
  if (textIds.length > 0 && badText.length === textIds.length) {
    return fail(
      name,
      `lacks ${uniqueLabels(neededIn('text')).join(', ')} in every text channel (overridden in ${label(badText)})`,
      fix,
    );
  }
  const notes = [
    badVoice.length > 0 ? `cannot join ${label(badVoice)}` : '',
    badText.length > 0 ? `cannot post in ${label(badText)}` : '',
  ].filter(Boolean);
  return ok(name, `${SERVER_WIDE.join(', ')}${notes.length > 0 ? ` (note: ${notes.join('; ')})` : ''}`);
}

async function commandsResult(
  client: Client,
  wanted: readonly CommandData[],
  config: Pick<Config, 'COMMANDS_GUILD_ID'>,
): Promise<CheckResult> {
  const name = 'Slash commands';
  const appId = client.application?.id ?? client.user?.id ?? '';
  const guildId = config.COMMANDS_GUILD_ID;
  const scope = guildId ? `in server ${guildId} (COMMANDS_GUILD_ID)` : 'globally';
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  let existing: APIApplicationCommand[];
  try {
    existing = (await client.rest.get(route)) as APIApplicationCommand[];
  } catch (error) {
    return fail(
      name,
      `cannot read the commands registered ${scope} (${(error as Error).message})`,
      guildId
        ? 'check COMMANDS_GUILD_ID: the bot must be in that server'
        : 'try again; Discord may be unavailable',
    );
  }
  const startFix =
    'start the bot once (`npm start`): it registers its commands at login. Global commands can take up to an hour to show; set COMMANDS_GUILD_ID for instant registration in one server';
  if (existing.length === 0) return fail(name, `none registered ${scope}`, startFix);
  if (sameCommands(existing, wanted))
    return ok(name, `${existing.length} registered ${scope}, as this version defines them`);
  const have = new Set(existing.map((c) => c.name));
  const want = new Set(wanted.map((c) => c.name));
  const absent = [...want].filter((n) => !have.has(n));
  const extra = [...have].filter((n) => !want.has(n));
  const diff = [
    absent.length > 0 ? `missing /${absent.join(', /')}` : '',
    extra.length > 0 ? `extra /${extra.join(', /')}` : '',
    absent.length === 0 && extra.length === 0 ? 'options or descriptions changed' : '',
  ].filter(Boolean);
  return fail(
    name,
    `${existing.length} registered ${scope}, but they differ from this version (${diff.join('; ')})`,
    startFix,
  );
}
