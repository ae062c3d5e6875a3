// SqlClient over a postgres.js pool: `?` placeholders become $n, changes are announced with NOTIFY.
import type { Sql, TransactionSql } from 'postgres';
import type { Param, Row, SqlClient, StoreChange } from './sql-client.ts';

/** The NOTIFY channel every bot process listens on. */
export const CHANGE_CHANNEL = 'gemini_voice_bot_changes';

/** Our statements contain no `?` inside string literals, so a plain scan is exact. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A change as sent on the wire, tagged with the sending process so it can ignore its own. */
export interface ChangeMessage {
  origin: string;
  change: StoreChange;
}

export function postgresClient(sql: Sql | TransactionSql, origin: string): SqlClient {
  const query = (text: string, params: readonly Param[]) =>
    sql.unsafe(numberedPlaceholders(text), params as Param[], { prepare: true });
  return {
    // clock_timestamp(), not now(): now() is frozen at the start of the transaction.
    nowMsSql: '(extract(epoch from clock_timestamp()) * 1000)::bigint',
    all: async (text, params = []) => (await query(text, params)) as unknown as Row[],
    run: async (text, params = []) => (await query(text, params)).count,
    transaction: async (work) => {
      if (!('begin' in sql)) return work(postgresClient(sql, origin));
      return (await sql.begin((tx) => work(postgresClient(tx, origin)))) as Awaited<ReturnType<typeof work>>;
    },
    announce: async (change) => {
      const message: ChangeMessage = { origin, change };
      await query('SELECT pg_notify(?, ?)', [CHANGE_CHANNEL, JSON.stringify(message)]);
    },
  };
}
