import { sql } from "kysely";
import type { JobRecord } from "../interfaces/0.12/types.js";
import type { Status } from "../types.js";
import { idSchema } from "../validation/input-schemas.js";
import { parseInput } from "../validation/parse-input.js";
import type { QueueContext } from "./queue-context.js";

// The 0.12 queue's per-run operations and its lease renewal.

/**
 * PENDING and SUSPENDED jobs of the run become CANCELLED in one statement
 * (RUNNING ones are left to finish or fail); returns how many. A run with no
 * such jobs, or no jobs at all, gives 0: job rows do not reference runs.
 */
export async function cancelByRun(ctx: QueueContext, workflowRunId: string): Promise<number> {
  parseInput("cancelByRun", "workflowRunId", idSchema, workflowRunId);
  const { dialect } = ctx;
  const now = dialect.now();
  const result = await ctx.db
    .updateTable("job_queue")
    .set({ status: dialect.enumValue("Status", "CANCELLED"), completedAt: now, updatedAt: now })
    .where("workflowRunId", "=", workflowRunId)
    .where("status", "in", [dialect.enumValue("Status", "PENDING"), dialect.enumValue("Status", "SUSPENDED")])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Every job row of the run, whatever its status, oldest first (then by id). */
export async function getJobsByWorkflowRun(ctx: QueueContext, workflowRunId: string): Promise<JobRecord[]> {
  parseInput("getJobsByWorkflowRun", "workflowRunId", idSchema, workflowRunId);
  const { dialect, contract } = ctx;
  const rows = await ctx.db
    .selectFrom("job_queue")
    .select([
      "id", "createdAt", "updatedAt", "workflowRunId", "stageId", "status", "priority", "workerId", "lockedAt",
      "startedAt", "completedAt", "attempt", "maxAttempts", "lastError", "nextPollAt",
      dialect.selectJson("payload") as "payload",
    ])
    .where("workflowRunId", "=", workflowRunId)
    .orderBy("createdAt", "asc")
    .orderBy("id", "asc")
    .execute();
  const date = (value: unknown) => (value == null ? null : dialect.readDate(value));
  return rows.map((row) => {
    const { payload, workflowId } = contract.jobFields(row.payload == null ? null : dialect.readJson(row.payload));
    return {
      id: String(row.id),
      createdAt: dialect.readDate(row.createdAt),
      updatedAt: dialect.readDate(row.updatedAt),
      workflowRunId: String(row.workflowRunId),
      workflowId: workflowId ?? "",
      stageId: String(row.stageId),
      status: row.status as Status,
      priority: Number(row.priority),
      workerId: row.workerId == null ? null : String(row.workerId),
      lockedAt: date(row.lockedAt),
      startedAt: date(row.startedAt),
      completedAt: date(row.completedAt),
      attempt: Number(row.attempt),
      maxAttempts: Number(row.maxAttempts),
      lastError: row.lastError == null ? null : String(row.lastError),
      nextPollAt: date(row.nextPollAt),
      payload,
    };
  });
}

/**
 * Renews the lease (lockedAt) of a job RUNNING under this worker, so
 * releaseStaleJobs leaves it alone. Any other job (finished, taken over,
 * missing) is left as it is, without an error: hosts call this on a timer,
 * and a lost lease shows up when the job is acknowledged. A malformed id is
 * still a ValidationError.
 */
export async function touchJob(ctx: QueueContext, jobId: string): Promise<void> {
  parseInput("touchJob", "jobId", idSchema, jobId);
  const now = ctx.dialect.now();
  await ctx.db
    .updateTable("job_queue")
    .set({ lockedAt: now, updatedAt: now })
    .where("id", "=", jobId)
    .where(sql<boolean>`cast(${sql.ref("status")} as text) = ${sql.lit("RUNNING")}`)
    .where("workerId", "=", ctx.workerId)
    .execute();
}
