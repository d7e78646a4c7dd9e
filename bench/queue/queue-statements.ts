import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { benchJob } from "./queue-operations.js";
import { captureStatements, statementStartingWith, type CapturedStatement } from "../support/capture-statements.js";

/** Marker values planted in captured parameters, replaced per call by the floor. */
export const WORKER_MARKER = "__bench_worker__";
export const jobMarker = (i: number) => `__bench_job_${i}__`;

export interface QueueStatements {
  enqueueOne: CapturedStatement;
  enqueueHundred: CapturedStatement;
  dequeueOne: CapturedStatement;
  dequeueTwenty: CapturedStatement;
  completeOne: CapturedStatement;
  completeTwenty: CapturedStatement;
  /**
   * completeAndDequeue's one statement where the database has one (PostgreSQL);
   * absent on SQLite, where the library sends completeOne then dequeueOne.
   */
  completeAndDequeueOne?: CapturedStatement;
}

const job = benchJob;

/**
 * The exact statements the library sends for each queue operation, captured
 * from a real run on a scratch database (which is left with leftover rows).
 * Job ids are captured as markers by generating them as markers.
 */
export async function captureQueueStatements(url: string): Promise<QueueStatements> {
  const capture = (work: (queue: ReturnType<typeof createKyselyJobQueue>) => Promise<unknown>, prefix: string) =>
    captureStatements(url, (db) => work(createKyselyJobQueue(db, { workerId: WORKER_MARKER, listen: false }))).then(
      (statements) => statementStartingWith(statements, prefix),
    );

  const enqueueOne = await capture((q) => q.enqueue(job(0)), "insert");
  const enqueueHundred = await capture((q) => q.enqueueParallel(Array.from({ length: 100 }, (_, i) => job(i))), "insert");
  const dequeueOne = await capture((q) => q.dequeue(), "with");
  const dequeueTwenty = await capture((q) => q.dequeueBatch(20), "with");
  // Completing needs jobs held by the marker worker.
  const ids = await holdJobs(url, 22);
  const completeOne = await capture((q) => q.complete(ids[0]!), "update");
  // completeMany's one statement (WITH "held" … UPDATE: all of them or none).
  const completeTwenty = await capture((q) => q.completeMany(ids.slice(1, 21)), "with");
  const chained = await captureStatements(url, (db) =>
    createKyselyJobQueue(db, { workerId: WORKER_MARKER, listen: false }).completeAndDequeue(ids[21]!),
  );
  const completeAndDequeueOne = chained.find((statement) => statement.sql.startsWith('with "completed"'));
  return {
    enqueueOne: plantIds(enqueueOne, 1),
    enqueueHundred: plantIds(enqueueHundred, 100),
    dequeueOne,
    dequeueTwenty,
    completeOne: replaceValues(completeOne, new Map([[ids[0]!, jobMarker(0)]])),
    completeTwenty: replaceValues(completeTwenty, new Map(ids.slice(1, 21).map((id, i) => [id, jobMarker(i)]))),
    ...(completeAndDequeueOne && {
      completeAndDequeueOne: replaceValues(completeAndDequeueOne, new Map([[ids[21]!, jobMarker(0)]])),
    }),
  };
}

async function holdJobs(url: string, count: number): Promise<string[]> {
  const db = openDatabase(url);
  try {
    const queue = createKyselyJobQueue(db, { workerId: WORKER_MARKER, listen: false });
    await queue.enqueueParallel(Array.from({ length: count }, (_, i) => job(i)));
    return (await queue.dequeueBatch(count)).map((claimed) => claimed.jobId);
  } finally {
    await db.destroy();
  }
}

/** Generated ids in an INSERT are UUIDs: mark them so the floor can put fresh ones there. */
function plantIds(statement: CapturedStatement, expected: number): CapturedStatement {
  let next = 0;
  const parameters = statement.parameters.map((value) =>
    typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(value) ? jobMarker(next++) : value,
  );
  if (next !== expected) throw new Error(`expected ${expected} generated ids in the INSERT, found ${next}`);
  return { sql: statement.sql, parameters };
}

function replaceValues(statement: CapturedStatement, replacements: Map<string, string>): CapturedStatement {
  return {
    sql: statement.sql,
    parameters: statement.parameters.map((value) => (typeof value === "string" ? replacements.get(value) ?? value : value)),
  };
}
