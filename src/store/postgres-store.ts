// Opens a PostgreSQL store shared by hosts: pool, migrations, LISTEN for changes, reachability watch.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { raceTimeout, systemClock } from '../clock.ts';
import { BotError } from '../errors.ts';
import { changeListener } from './postgres-listener.ts';
import { migratePostgres, postgresSchemaVersion } from './postgres-migrations.ts';
import { buildRepositories, type OpenParts } from './repositories.ts';
import type { StoreChange } from './sql-client.ts';
import { CHANGE_CHANNEL, type ChangeMessage, postgresClient } from './sql-client-postgres.ts';
import type { Store, StoreHealth } from './store.ts';

/** How often the server is pinged to notice an outage and the recovery after it, in ms. */
const DEFAULT_PING_MS = 1_000;
/** A ping slower than this counts as unreachable, in ms. */
const PING_TIMEOUT_MS = 2_000;
/** Connections per process: a few commands and usage writes at a time; NOTIFY has its own. */
const POOL_SIZE = 4;
/**
 * Seconds to wait for a TCP connection before a query fails (postgres.js unit). Short: a command
 * must be answered within Discord's 3 s, and on a working network a connection takes milliseconds.
 */
const CONNECT_TIMEOUT_S = 2;

/**
 * Seconds between reconnection attempts after `retries` failures. postgres.js's default grows to
 * 20 s, so during an outage every query (and the recovery) would wait that long; capped at 1 s.
 */
function reconnectDelayS(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1);
}

/** The URL without its password, for logs and /status. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

function oneLine(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

function parseChange(payload: string): ChangeMessage | null {
  try {
    const message = JSON.parse(payload) as ChangeMessage;
    const change = message?.change as StoreChange | undefined;
    if (typeof message.origin !== 'string' || change === undefined) return null;
    if (change.kind === 'optOut' && typeof change.userId === 'string' && typeof change.optedOut === 'boolean')
      return message;
    if (change.kind === 'settings' && typeof change.guildId === 'string') return message;
    return null;
  } catch {
    return null;
  }
}

export async function openPostgresStore(options: OpenParts & { url: string }): Promise<Store> {
  const location = redactedUrl(options.url);
  const sql = postgres(options.url, {
    max: POOL_SIZE,
    connect_timeout: CONNECT_TIMEOUT_S,
    backoff: reconnectDelayS,
    onnotice: () => {},
  });
  let from: number;
  try {
    from = (await migratePostgres(sql)).from;
  } catch (error) {
    await sql.end({ timeout: 0 });
    if (error instanceof BotError) throw error;
    throw new BotError('STORE_OPEN_FAILED', `cannot reach the database at ${location} (${oneLine(error)})`, {
      cause: error,
    });
  }

  const origin = randomUUID();
  const repos = await buildRepositories(postgresClient(sql, origin), options);
  let reachable = true;
  let closed = false;

  /** Set when the server comes back: the LISTEN connection may be gone and is renewed. */
  let listenerStale = false;

  function setReachable(now: boolean): void {
    if (now === reachable) return;
    reachable = now;
    if (now) listenerStale = true;
    repos.events.emit('reachable', now);
  }

  const listener = changeListener({
    url: options.url,
    channel: CHANGE_CHANNEL,
    connectTimeoutS: CONNECT_TIMEOUT_S,
    onPayload: (payload) => {
      const message = parseChange(payload);
      // Our own changes were applied before the command answered; replaying them could reorder.
      if (message === null || message.origin === origin) return;
      repos.applyRemote(message.change).catch(() => setReachable(false));
    },
    // Changes announced while we could not hear them are read back in full, once LISTEN holds
    // again so that nothing falls between the read and the subscription.
    onResubscribed: () => void repos.refresh().catch(() => setReachable(false)),
  });
  try {
    await listener.renew();
  } catch (error) {
    await Promise.all([listener.close(), sql.end({ timeout: 0 })]);
    throw new BotError('STORE_OPEN_FAILED', `cannot listen for changes at ${location} (${oneLine(error)})`, {
      cause: error,
    });
  }

  async function ping(): Promise<number> {
    const started = performance.now();
    await raceTimeout(sql`SELECT 1`, PING_TIMEOUT_MS, systemClock, (): never => {
      throw new Error(`no answer within ${PING_TIMEOUT_MS} ms`);
    });
    return performance.now() - started;
  }

  let pinging = false;
  const watch = setInterval(() => {
    if (pinging || closed) return;
    pinging = true;
    ping()
      .then(
        async () => {
          setReachable(true);
          if (!listenerStale) return;
          await listener.renew();
          listenerStale = false;
        },
        () => setReachable(false),
      )
      .catch(() => {
        // LISTEN could not be set up yet; the next ping tries again.
      })
      .finally(() => {
        pinging = false;
      });
  }, options.watchIntervalMs ?? DEFAULT_PING_MS);
  watch.unref();

  return {
    kind: 'postgres',
    location,
    migratedFrom: from,
    defaults: options.defaults,
    ...repos,
    reachable: () => reachable,
    health: async (): Promise<StoreHealth> => {
      try {
        const probe = async () => ({
          latencyMs: await ping(),
          schemaVersion: await postgresSchemaVersion(sql),
        });
        // After a server restart each pooled connection fails once before it is replaced: one
        // failed probe then says nothing about the server, a second one does.
        const { latencyMs, schemaVersion } = await probe().catch(probe);
        setReachable(true);
        return { kind: 'postgres', reachable: true, schemaVersion, latencyMs };
      } catch (error) {
        setReachable(false);
        return {
          kind: 'postgres',
          reachable: false,
          schemaVersion: null,
          latencyMs: null,
          error: oneLine(error),
        };
      }
    },
    close: async function closeStore() {
      if (closed) return;
      closed = true;
      clearInterval(watch);
      await Promise.all([listener.close(), sql.end({ timeout: 1 })]);
    },
  };
}
