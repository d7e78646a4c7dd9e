import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { openBareSqlite } from "../support/bare-sqlite.js";
import { newId } from "../../src/database/ids.js";
import { formatSqliteDate } from "../../src/dialects/sqlite/sqlite-codecs.js";
import type { CapturedStatement } from "../support/capture-statements.js";
import type { QueueOperations } from "./queue-operations.js";
import { WORKER_MARKER, type QueueStatements } from "./queue-statements.js";

// The floor: the library's own statements, sent through the bare driver as
// prepared statements with nothing around them (no validation, no query
// building, no row decoding). The same operations as the library's queue.

const SQLITE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;

/** Fills a captured parameter list for one call: the worker, job ids, fresh ids and (SQLite) "now". */
function bind(statement: CapturedStatement, workerId: string, jobIds: readonly string[] = [], freshIds = false): unknown[] {
  const now = formatSqliteDate(new Date());
  return statement.parameters.map((value) => {
    if (value === WORKER_MARKER) return workerId;
    if (typeof value === "string") {
      const marker = /^__bench_job_(\d+)__$/.exec(value);
      if (marker) return freshIds ? newId() : jobIds[Number(marker[1])];
      if (SQLITE_TIMESTAMP.test(value)) return now;
    }
    return value;
  });
}

/**
 * Two clients per worker, like the library's pool of two: claims on one,
 * acknowledgements on the other, so a completion can overlap the next claim.
 */
export async function postgresFloor(url: string, statements: QueueStatements, workerId: string): Promise<QueueOperations> {
  const claims = new pg.Client({ connectionString: url });
  const acknowledgements = new pg.Client({ connectionString: url });
  await Promise.all([claims.connect(), acknowledgements.connect()]);
  // completeAndDequeueOne claims too: it goes with the claims.
  const run = (name: keyof QueueStatements, values: unknown[]) =>
    (name.startsWith("complete") && name !== "completeAndDequeueOne" ? acknowledgements : claims).query({ name, text: statements[name]!.sql, values });
  return {
    enqueue: async () => void (await run("enqueueOne", bind(statements.enqueueOne, workerId, [], true))),
    enqueueHundred: async () => void (await run("enqueueHundred", bind(statements.enqueueHundred, workerId, [], true))),
    dequeue: async () => (await run("dequeueOne", bind(statements.dequeueOne, workerId))).rows[0]?.id ?? null,
    dequeueBatch: async (size) => (await run("dequeueTwenty", bind(statements.dequeueTwenty, workerId))).rows.map((r) => r.id).slice(0, only20(size)),
    complete: async (jobId) => void (await run("completeOne", bind(statements.completeOne, workerId, [jobId]))),
    completeAndDequeue: async (jobId) =>
      (await run("completeAndDequeueOne", bind(statements.completeAndDequeueOne!, workerId, [jobId]))).rows[0]?.id ?? null,
    completeBatch: async (jobIds) => void (await run("completeTwenty", bind(statements.completeTwenty, workerId, padTo20(jobIds)))),
    close: async () => void (await Promise.all([claims.end(), acknowledgements.end()])),
  };
}

export function sqliteFloor(file: string, statements: QueueStatements, workerId: string): QueueOperations {
  const db = openBareSqlite(file);
  const prepared = Object.fromEntries(
    Object.entries(statements).map(([name, statement]) => [name, db.prepare((statement as CapturedStatement).sql)]),
  ) as Record<keyof QueueStatements, BetterSqlite3.Statement>;
  const dequeue = () => (prepared.dequeueOne.all(...bind(statements.dequeueOne, workerId)) as { id: string }[])[0]?.id ?? null;
  const complete = (jobId: string) => void prepared.completeOne.run(...bind(statements.completeOne, workerId, [jobId]));
  return {
    enqueue: async () => void prepared.enqueueOne.run(...bind(statements.enqueueOne, workerId, [], true)),
    enqueueHundred: async () => void prepared.enqueueHundred.run(...bind(statements.enqueueHundred, workerId, [], true)),
    dequeue: async () => dequeue(),
    dequeueBatch: async (size) => (prepared.dequeueTwenty.all(...bind(statements.dequeueTwenty, workerId)) as { id: string }[]).map((r) => r.id).slice(0, only20(size)),
    complete: async (jobId) => complete(jobId),
    completeBatch: async (jobIds) => void prepared.completeTwenty.run(...bind(statements.completeTwenty, workerId, padTo20(jobIds))),
    // No data-modifying CTEs on SQLite: the library sends these two statements in turn.
    completeAndDequeue: async (jobId) => {
      complete(jobId);
      return dequeue();
    },
    close: async () => {
      db.close();
    },
  };
}

/** The floor holds the captured statements for batches of 20 only. */
function only20(size: number): number {
  if (size !== 20) throw new Error(`the floor has no captured statement for batches of ${size}`);
  return size;
}

/** The captured completeMany statement has 20 id slots; a short last batch repeats its first id. */
function padTo20(jobIds: string[]): string[] {
  return Array.from({ length: 20 }, (_, i) => jobIds[i] ?? jobIds[0]!);
}
