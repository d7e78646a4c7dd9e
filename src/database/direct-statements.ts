import type { Kysely, QueryResult } from "kysely";

/**
 * Runs a compiled statement on the connection past Kysely's execution
 * pipeline (executor, connection provider, driver, each a few promise steps),
 * or returns undefined when it cannot, and the caller then goes through
 * Kysely. Only openDatabase's handles have one:
 *
 * - SQLite runs the statement at once when nothing holds the connection
 *   (better-sqlite3 is synchronous: the pipeline's promise steps cost more
 *   than a short statement), and declines while a transaction or another
 *   query holds it, so Kysely queues the call;
 * - PostgreSQL checks a connection out of the pool, runs it and releases it.
 *
 * Never used inside a transaction (its own connection carries those
 * statements) nor when the handle logs queries (the log would miss them).
 */
export interface DirectStatements {
  run<Row>(sql: string, parameters: readonly unknown[]): QueryResult<Row> | Promise<QueryResult<Row>> | undefined;
}

const byHandle = new WeakMap<Kysely<any>, DirectStatements>();

export function registerDirectStatements(db: Kysely<any>, direct: DirectStatements): void {
  byHandle.set(db, direct);
}

export function directStatementsOf(db: Kysely<any>): DirectStatements | undefined {
  return byHandle.get(db);
}
