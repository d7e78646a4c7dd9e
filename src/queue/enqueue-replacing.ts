import type { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import { PreparedQueriesBySize } from "../database/prepared-query.js";
import { inWriteTransaction } from "../database/query-context.js";
import type { EnqueueJobInput } from "../interfaces/1.0/types.js";
import { parseInput } from "../validation/parse-input.js";
import type { QueueContext } from "./queue-context.js";
import { MAX_JOBS_PER_INSERT, newJobRows } from "./enqueue.js";

type ParsedJob = {
  workflowRunId: string;
  stageId: string;
  priority?: number;
  maxAttempts?: number;
  scheduledFor?: Date;
  payload: string;
};

// 1.0: at most one job row per (workflowRunId, stageId), which the schema's
// unique key holds. Re-enqueueing a stage (a rerun, the reaper's recovery)
// replaces the row in place: INSERT … ON CONFLICT (workflowRunId, stageId)
// DO UPDATE, one statement per 1,000 jobs, so two enqueuers racing on one
// pair both succeed and leave one row, and nothing is read first.


/**
 * The upsert of `size` jobs. A replaced row keeps its id and becomes a fresh
 * PENDING job: attempt 0, no worker, lock, claim stamp, completion, error or
 * poll time but the new one; createdAt is the new enqueue's (the claim's FIFO
 * order places it as new work), priority, maxAttempts and payload the new
 * job's.
 */
const upsertStatements = new PreparedQueriesBySize<{ id: string; workflowRunId: string; stageId: string }>(
  (db: Kysely<Database>, dialect, size) => {
    return db
      .insertInto("job_queue")
      .values(newJobRows(dialect, size))
      .onConflict((conflict) =>
        conflict.columns(["workflowRunId", "stageId"]).doUpdateSet((eb) => ({
          status: dialect.enumValue("Status", "PENDING"),
          attempt: 0,
          workerId: null,
          lockedAt: null,
          startedAt: null,
          completedAt: null,
          lastError: null,
          createdAt: eb.ref("excluded.createdAt"),
          updatedAt: eb.ref("excluded.updatedAt"),
          priority: eb.ref("excluded.priority"),
          maxAttempts: eb.ref("excluded.maxAttempts"),
          nextPollAt: eb.ref("excluded.nextPollAt"),
          payload: eb.ref("excluded.payload"),
        })),
      )
      .returning(["id", "workflowRunId", "stageId"]);
  },
  MAX_JOBS_PER_INSERT,
);

/** 1.0's enqueueParallel. */
export async function enqueueParallelReplacing(ctx: QueueContext, jobs: EnqueueJobInput[]): Promise<string[]> {
  return upsertJobs(ctx, parseInput("enqueueParallel", "jobs", ctx.contract.schemas.enqueueJobs, jobs));
}

/** 1.0's enqueue (not in the port; kept): enqueueParallel of one job. */
export async function enqueueReplacing(ctx: QueueContext, job: EnqueueJobInput): Promise<string> {
  const [id] = await upsertJobs(ctx, [parseInput("enqueue", "options", ctx.contract.schemas.enqueueJob, job)]);
  return id!;
}

/**
 * Upserts the jobs, replacing the row a (run, stage) already has; all or
 * none; ids in input order. A pair named twice in one call is one row (the
 * later job's fields) and both positions get its id: one statement cannot
 * update a row twice.
 */
async function upsertJobs(ctx: QueueContext, parsed: ParsedJob[]): Promise<string[]> {
  if (parsed.length === 0) return [];
  const pairKey = (job: { workflowRunId: string; stageId: string }) => `${job.workflowRunId}\u0000${job.stageId}`;
  const latest = new Map<string, ParsedJob>();
  for (const job of parsed) {
    const key = pairKey(job);
    latest.delete(key); // re-inserted last, so the later job decides the row
    latest.set(key, job);
  }
  const unique = [...latest.values()];
  const clock = ctx.dialect.clockValue();
  const ids = new Map<string, string>();
  const upsertChunk = async (db: QueueContext, chunk: ParsedJob[]) => {
    const rows = chunk.map((job) => ({
      id: ctx.newId(),
      workflowRunId: job.workflowRunId,
      stageId: job.stageId,
      priority: job.priority ?? 5,
      maxAttempts: job.maxAttempts ?? 3,
      nextPollAt: job.scheduledFor ? ctx.dialect.dateValue(job.scheduledFor) : null,
      payload: job.payload,
    }));
    const result = await upsertStatements.forSize(chunk.length)!.execute(db, { clock }, rows);
    for (const row of result.rows) ids.set(pairKey({ workflowRunId: String(row.workflowRunId), stageId: String(row.stageId) }), String(row.id));
  };
  if (unique.length <= MAX_JOBS_PER_INSERT) {
    await upsertChunk(ctx, unique);
  } else {
    await inWriteTransaction(ctx, async (tx) => {
      for (let start = 0; start < unique.length; start += MAX_JOBS_PER_INSERT) {
        await upsertChunk(tx as QueueContext, unique.slice(start, start + MAX_JOBS_PER_INSERT));
      }
    });
  }
  return parsed.map((job) => ids.get(pairKey(job))!);
}
