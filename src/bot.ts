// Composition of one bot process: builds every instance, wires events, starts and stops them.
import { Events } from 'discord.js';
import type { Config } from './config.ts';
import { createDiscordClient } from './discord/client.ts';
import { InteractionRouter } from './discord/interaction-router.ts';
import { registerCommands } from './discord/register-commands.ts';
import type { Logger } from './log.ts';

export interface RunningBot {
  /** Says goodbye where needed, closes sessions and the gateway. Idempotent. */
  stop(reason: string): Promise<void>;
}

export interface BotServices {
  config: Config;
  log: Logger;
}

export async function startBot(config: Config, log: Logger): Promise<RunningBot> {
  const client = createDiscordClient(config);
  const services: BotServices = { config, log };
  const router = new InteractionRouter<BotServices>([], services, log.child({ part: 'commands' }));

  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
  client.once(Events.ClientReady, (ready) => {
    log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'logged in to Discord');
    registerCommands(
      ready,
      router.commands.map((c) => c.data),
      config.COMMANDS_GUILD_ID,
      log,
    ).catch((error: unknown) => log.error({ err: error }, 'slash command registration failed'));
  });

  await client.login(config.DISCORD_TOKEN);

  let stopped: Promise<void> | undefined;
  return {
    stop(reason) {
      stopped ??= (async () => {
        log.info({ reason }, 'stopping');
        await client.destroy();
      })();
      return stopped;
    },
  };
}
