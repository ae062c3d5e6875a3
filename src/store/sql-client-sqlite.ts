// SqlClient over one node:sqlite connection: cached prepared statements, one operation at a time.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Param, Row, SqlClient } from './sql-client.ts';

/** unixepoch('subsec') is seconds with ms precision (SQLite 3.42+, bundled with Node 22). */
const NOW_MS_SQL = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

/**
 * node:sqlite is synchronous, but a transaction's work is async (the repositories are written
 * once for both databases): every operation waits its turn, so nothing from another caller
 * runs inside a transaction that might roll it back.
 */
export function sqliteClient(db: DatabaseSync): SqlClient {
  const statements = new Map<string, StatementSync>();
  let tail: Promise<unknown> = Promise.resolve();

  function statement(sql: string): StatementSync {
    let prepared = statements.get(sql);
    if (prepared === undefined) {
      prepared = db.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  }

  const direct: SqlClient = {
    nowMsSql: NOW_MS_SQL,
    all: async (sql, params = []) => statement(sql).all(...(params as SQLInputValue[])) as Row[],
    run: async (sql, params = []) => Number(statement(sql).run(...(params as SQLInputValue[])).changes),
    transaction: async (work) => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(direct);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    announce: async () => {},
  };

  function inTurn<T>(step: () => Promise<T>): Promise<T> {
    const result = tail.then(step);
    tail = result.catch(() => {});
    return result;
  }

  return {
    nowMsSql: NOW_MS_SQL,
    all: (sql: string, params?: readonly Param[]) => inTurn(() => direct.all(sql, params)),
    run: (sql: string, params?: readonly Param[]) => inTurn(() => direct.run(sql, params)),
    transaction: (work) => inTurn(() => direct.transaction(work)),
    announce: direct.announce,
  };
}
