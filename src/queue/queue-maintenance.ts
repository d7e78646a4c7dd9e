import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "../database/database.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import { STATUSES, type QueueStats, type Status, type SuspendedJobReadyToPoll } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import { staleThresholdSchema } from "../validation/input-schemas.js";
import type { QueueContext } from "./queue-context.js";
import type { QueryContext } from "../database/query-context.js";
import { inWriteTransaction } from "../database/query-context.js";
import { failAbandonedWork } from "./fail-abandoned-work.js";

export const DEFAULT_STALE_THRESHOLD_MS = 300_000;
export { VANISHED_WORKER_ERROR } from "../contracts/lease-tiers.js";

/** What releasing stale jobs did: jobs back to PENDING, jobs given up (FAILED), and the stages and runs failed with them. */
export interface StaleRelease {
  released: number;
  failed: number;
  stagesFailed: number;
  runsFailed: number;
}

/** RUNNING with a lock older than `staleThresholdMs` (by the database clock): its worker crashed or hung. */
export function staleLock(dialect: DialectSupport, staleThresholdMs: number) {
  return (eb: ExpressionBuilder<Database, "job_queue">) =>
    eb.and([
      eb("status", "=", dialect.enumValue("Status", "RUNNING")),
      eb("lockedAt", "<", dialect.plusSeconds(dialect.now(), -staleThresholdMs / 1000)),
    ]);
}

/**
 * RUNNING jobs whose lock is older than the threshold belong to a worker that
 * crashed or hung. They go back to PENDING with the lock cleared, except a job
 * that has used all its attempts: it becomes FAILED, so a poison job that
 * kills every worker that takes it cannot circulate forever, and its stage
 * and run become FAILED with it (failAbandonedWork), in the same transaction.
 * Returns how many jobs changed (the contract's count).
 */
export async function releaseStaleJobs(
  ctx: QueueContext,
  staleThresholdMs: number = DEFAULT_STALE_THRESHOLD_MS,
): Promise<number> {
  const { released, failed } = await releaseStale(ctx, staleThresholdMs);
  return released + failed;
}

/** releaseStaleJobs, with what it did counted apart (for `kwp release-stale`). */
export async function releaseStale(ctx: QueryContext, staleThresholdMs: number = DEFAULT_STALE_THRESHOLD_MS): Promise<StaleRelease> {
  parseInput("releaseStaleJobs", "staleThresholdMs", staleThresholdSchema, staleThresholdMs);
  const { dialect } = ctx;
  const now = dialect.now();
  const exhausted = sql<boolean>`"attempt" >= "maxAttempts"`;
  const failedStatus = dialect.enumValue("Status", "FAILED");
  const released = ctx.contract.staleLeaseError(staleThresholdMs, false);
  const gaveUpError = ctx.contract.staleLeaseError(staleThresholdMs, true);
  return inWriteTransaction(ctx, async (tx) => {
    const changed = await tx.db
      .updateTable("job_queue")
      .set({
        status: sql`case when ${exhausted} then ${dialect.enumValue("Status", "FAILED")} else ${dialect.enumValue("Status", "PENDING")} end`,
        lastError: sql`case when ${exhausted} then ${gaveUpError} else ${released ?? sql.ref("lastError")} end`,
        completedAt: sql`case when ${exhausted} then ${now} else null end`,
        workerId: null,
        lockedAt: null,
        updatedAt: now,
      })
      .where(staleLock(dialect, staleThresholdMs))
      .returning(["workflowRunId", "stageId", sql<boolean>`${sql.ref("status")} = ${failedStatus}`.as("gaveUp")])
      .execute();
    const gaveUp = changed.filter((job) => Boolean(job.gaveUp));
    const abandoned = await failAbandonedWork(tx, gaveUp.map((job) => ({ workflowRunId: job.workflowRunId, stageId: job.stageId })));
    return { released: changed.length - gaveUp.length, failed: gaveUp.length, stagesFailed: abandoned.stages, runsFailed: abandoned.runs };
  });
}

/** SUSPENDED jobs whose poll time has come, earliest first. */
export async function getSuspendedJobsReadyToPoll(ctx: QueueContext): Promise<SuspendedJobReadyToPoll[]> {
  const rows = await ctx.db
    .selectFrom("job_queue")
    .select(["id", "stageId", "workflowRunId"])
    .where("status", "=", ctx.dialect.enumValue("Status", "SUSPENDED"))
    .where("nextPollAt", "<=", ctx.dialect.now())
    .orderBy("nextPollAt", "asc")
    .orderBy("id", "asc")
    .execute();
  return rows.map((row) => ({ jobId: String(row.id), stageId: String(row.stageId), workflowRunId: String(row.workflowRunId) }));
}

/** Jobs per status, counted by the database. */
export async function getQueueStats(ctx: QueryContext): Promise<QueueStats> {
  const rows = await ctx.db
    .selectFrom("job_queue")
    .select(["status", (eb) => eb.fn.countAll().as("count")])
    .groupBy("status")
    .execute();
  const stats = Object.fromEntries(STATUSES.map((status) => [status, 0])) as QueueStats;
  for (const row of rows) stats[row.status as Status] = Number(row.count);
  return stats;
}
