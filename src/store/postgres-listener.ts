// The LISTEN side of the change feed: its own client, renewed after every database outage.
import postgres from 'postgres';

export interface ChangeListener {
  /** Subscribes on a fresh connection (the first time, and after an outage); resolves once LISTEN holds. */
  renew(): Promise<void>;
  close(): Promise<void>;
}

export interface ChangeListenerOptions {
  url: string;
  channel: string;
  connectTimeoutS: number;
  onPayload(payload: string): void;
  /** LISTEN was set up again after an outage: changes announced meanwhile were not heard. */
  onResubscribed(): void;
}

/**
 * postgres.js re-listens once when its listen connection closes and, if the server is still down
 * at that moment, drops the subscription for good (that failure is swallowed), so after an outage
 * longer than one reconnect attempt no change would ever be heard again. The store therefore
 * calls `renew()` whenever the server answers again after an outage: the old client is ended and
 * a new one listens.
 */
export function changeListener(options: ChangeListenerOptions): ChangeListener {
  let client: postgres.Sql | null = null;
  let subscribedOnce = false;
  let pending: Promise<void> | null = null;

  async function subscribe(): Promise<void> {
    const old = client;
    client = null;
    await old?.end({ timeout: 0 });
    const next = postgres(options.url, {
      max: 1,
      connect_timeout: options.connectTimeoutS,
      fetch_types: false,
      onnotice: () => {},
    });
    try {
      await next.listen(options.channel, options.onPayload);
    } catch (error) {
      await next.end({ timeout: 0 });
      throw error;
    }
    client = next;
    if (subscribedOnce) options.onResubscribed();
    subscribedOnce = true;
  }

  return {
    renew() {
      pending ??= subscribe().finally(() => {
        pending = null;
      });
      return pending;
    },
    async close() {
      await pending?.catch(() => {});
      await client?.end({ timeout: 0 });
      client = null;
    },
  };
}
