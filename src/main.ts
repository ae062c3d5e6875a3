// Process entry: config → logger → bot; signal handling and exit codes. Nothing else.

import { type RunningBot, startBot } from './bot.ts';
import { type Config, ConfigError, loadConfig, secretsOf } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { installFaultPolicy } from './process-faults.ts';
import { Shutdown } from './shutdown.ts';

/** What every voice session hears on a restart; a /join afterwards resumes the conversation. */
const RESTART_NOTICE =
  'I am restarting and will be back in a moment — use /join to continue where we left off.';

/** SIGTERM must finish within this, or the process manager kills us mid-goodbye. */
const SHUTDOWN_DEADLINE_MS = 10_000;

function readConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function loggerFor(config: Config): Logger {
  const pretty =
    config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && process.stdout.isTTY === true);
  return createLogger({
    level: config.LOG_LEVEL,
    secrets: secretsOf(config),
    pretty,
    redactPii: !config.LOG_PII,
  });
}

async function main(): Promise<void> {
  const config = readConfigOrExit();
  const log = loggerFor(config);
  let bot: RunningBot | null = null;
  const stopping = new Shutdown(log, SHUTDOWN_DEADLINE_MS);
  /** The same goodbye for a signal and for a crash; only the exit code differs. */
  const shutdown = (why: string, exitCode: 0 | 1) =>
    stopping.begin({ why }, 'shutting down', async () => {
      await bot?.stop(RESTART_NOTICE);
      return exitCode;
    });
  installFaultPolicy(process, {
    log,
    count: (fault) => bot?.services.metrics.countProcessFault(fault),
    context: () => ({
      sessions: bot?.services.sessions.size ?? 0,
      shard: bot?.services.client.shard?.ids[0],
    }),
    onUncaughtException: () => shutdown('uncaught exception', 1),
  });

  try {
    bot = await startBot(config, log);
  } catch (error) {
    log.fatal({ err: error }, 'the bot could not start');
    process.stderr.write(`${describeStartFailure(error)}\n`);
    process.exit(1);
  }

  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  // Started by the ShardingManager: if the manager dies, its IPC channel closes. Leave cleanly
  // instead of running on as an orphan that nobody can stop or restart.
  if (process.send) process.on('disconnect', () => shutdown('manager gone', 0));
}

/** One sentence for the owner at the terminal; the details are in the log line above. */
function describeStartFailure(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (code === 'TokenInvalid' || (error as { status?: number })?.status === 401) {
    return 'Discord rejected DISCORD_TOKEN. Copy a fresh token from the Developer Portal (Bot → Reset Token) into .env.';
  }
  if (code === 'DisallowedIntents') {
    return 'Discord refused the gateway intents. Enable them for your application in the Developer Portal (see README).';
  }
  return 'The bot could not start; see the log line above. Run `npm run doctor` for a diagnosis.';
}

await main();
