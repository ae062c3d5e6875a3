// The few database operations the repositories need, so one repository serves SQLite and PostgreSQL.

/** A result row: column name → value (numbers may come back as strings from PostgreSQL's BIGINT). */
export type Row = Readonly<Record<string, unknown>>;
export type Param = string | number | null;

/** A change another process must hear about (PostgreSQL: NOTIFY payload; SQLite: found by polling). */
export type StoreChange =
  | { kind: 'optOut'; userId: string; optedOut: boolean }
  | { kind: 'settings'; guildId: string };

export interface SqlClient {
  /** An SQL expression for the database's current time in ms since the epoch (one clock for all hosts). */
  readonly nowMsSql: string;
  /** Every row of a query; `?` marks parameters in both dialects. */
  all(sql: string, params?: readonly Param[]): Promise<Row[]>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: readonly Param[]): Promise<number>;
  /** Runs `work` in one transaction on one connection: all of it commits, or none of it. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Tells other processes about a change; inside a transaction it is sent on commit, so
   * listeners hear changes in commit order. A no-op where other processes poll instead.
   */
  announce(change: StoreChange): Promise<void>;
}
