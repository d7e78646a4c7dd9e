import type { Kysely, QueryResult } from "kysely";

/**
 * Runs a compiled statement on the connection at once, past Kysely's
 * execution pipeline (executor, connection provider, driver lock, each a few
 * promise steps), when nothing else holds the connection. Returns undefined
 * when it cannot — the connection is busy (a transaction or another query is
 * in flight) — and the caller then goes through Kysely, which queues it.
 *
 * Only openDatabase's SQLite handles have one: better-sqlite3 runs a
 * statement synchronously, so the pipeline's promise steps cost more than a
 * short statement itself (bench/README.md). Never used inside a transaction
 * (the transaction's own connection carries those statements) nor when the
 * handle logs queries (the log would miss them).
 */
export interface DirectStatements {
  run<Row>(sql: string, parameters: readonly unknown[]): QueryResult<Row> | undefined;
}

const byHandle = new WeakMap<Kysely<any>, DirectStatements>();

export function registerDirectStatements(db: Kysely<any>, direct: DirectStatements): void {
  byHandle.set(db, direct);
}

export function directStatementsOf(db: Kysely<any>): DirectStatements | undefined {
  return byHandle.get(db);
}
