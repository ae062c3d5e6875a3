// Process entry for `npm run start:sharded`: discord.js's ShardingManager runs src/main.ts once per shard.
import { fileURLToPath } from 'node:url';
import { type APIGatewayBotInfo, REST, Routes, type Shard, ShardingManager } from 'discord.js';
import { type Config, ConfigError, loadConfig, secretsOf } from './config.ts';
import { BotError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { Shutdown } from './shutdown.ts';

/** Each shard process has 10 s to say goodbye (src/main.ts); the manager waits a little longer. */
const SHUTDOWN_DEADLINE_MS = 12_000;
/** How long one shard process may take to start and reach READY before the manager gives up. */
const SHARD_READY_TIMEOUT_MS = 60_000;
/** Shard processes run on the same Node as the manager; type stripping warns once per process. */
const SHARD_EXEC_ARGV = ['--disable-warning=ExperimentalWarning'];

/**
 * 'auto' asks GET /gateway/bot for Discord's recommendation. We ask it ourselves through
 * DISCORD_API_URL because ShardingManager's own 'auto' always calls discord.com (ignoring a
 * REST proxy, and the fake in tests).
 */
async function resolveShardCount(config: Config): Promise<number> {
  if (config.TOTAL_SHARDS !== 'auto') return config.TOTAL_SHARDS;
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const info = (await rest.get(Routes.gatewayBot())) as APIGatewayBotInfo;
  if (!Number.isInteger(info.shards) || info.shards < 1) {
    throw new BotError('Discord recommended no usable shard count', 'SHARD_COUNT_UNAVAILABLE');
  }
  return info.shards;
}

function watchShard(shard: Shard, log: Logger): void {
  const shardLog = log.child({ shard: shard.id });
  shardLog.info('shard process starting');
  shard.on('ready', () => shardLog.info('shard ready'));
  shard.on('death', (child) => {
    const exitCode = 'exitCode' in child ? child.exitCode : null;
    shardLog.warn({ exitCode }, 'shard process exited');
  });
  shard.on('error', (error) => shardLog.error({ err: error }, 'shard error'));
}

/** SIGTERMs every shard process (each ends its sessions itself) and waits for all to exit. */
async function stopShards(manager: ShardingManager, log: Logger): Promise<boolean> {
  manager.respawn = false;
  const exits = [...manager.shards.values()].map((shard) => {
    const child = shard.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      child.once('exit', (code) => resolve(code === 0));
      child.kill('SIGTERM');
    });
  });
  const clean = (await Promise.all(exits)).every(Boolean);
  log.info({ clean }, 'all shard processes exited');
  return clean;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({
    level: config.LOG_LEVEL,
    secrets: secretsOf(config),
    pretty: config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && process.stdout.isTTY === true),
    redactPii: !config.LOG_PII,
  }).child({ part: 'shard-manager' });

  const totalShards = await resolveShardCount(config);
  // SHARD_IDS: this host runs only these shards; other hosts (same TOTAL_SHARDS and DATABASE_URL) run the rest.
  const shardList = config.SHARD_IDS ?? [...Array(totalShards).keys()];
  const manager = new ShardingManager(fileURLToPath(new URL('./main.ts', import.meta.url)), {
    totalShards,
    shardList,
    token: config.DISCORD_TOKEN,
    mode: 'process',
    respawn: true,
    execArgv: SHARD_EXEC_ARGV,
  });
  manager.on('shardCreate', (shard) => watchShard(shard, log));

  const stopping = new Shutdown(log, SHUTDOWN_DEADLINE_MS);
  const shutdown = (signal: string) =>
    stopping.begin({ signal }, 'stopping every shard', async () =>
      (await stopShards(manager, log)) ? 0 : 1,
    );
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  log.info({ totalShards, shardList }, 'spawning shards');
  try {
    await manager.spawn({
      amount: totalShards,
      delay: config.SHARD_SPAWN_DELAY_MS,
      timeout: SHARD_READY_TIMEOUT_MS,
    });
  } catch (error) {
    if (stopping.started) return; // the shutdown owns the exit code
    log.fatal({ err: error }, 'the shards could not start');
    await stopShards(manager, log);
    process.exit(1);
  }
  // A signal during spawning stopped only the shards that existed then.
  if (stopping.started) await stopShards(manager, log);
  else log.info({ totalShards }, 'every shard is ready');
}

await main();
