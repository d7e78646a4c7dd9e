import type { QueryContext } from "../database/query-context.js";
import { recordColumns } from "../database/record-columns.js";
import { toLogRecord, toRunRecord } from "../persistence/records.js";
import type { Status, WorkflowLogRecord, WorkflowRunRecord } from "../types.js";
import { staleLock } from "../queue/queue-maintenance.js";

// Read-only and maintenance queries the command-line tool needs beyond the
// spec's interfaces. Dialect-agnostic: values go through the dialect's codecs.

const FINISHED: Status[] = ["COMPLETED", "FAILED", "CANCELLED"];

export async function listRuns(ctx: QueryContext, options: { status?: Status; limit: number }): Promise<WorkflowRunRecord[]> {
  let query = ctx.db.selectFrom("workflow_runs").select(recordColumns(ctx, "workflow_runs")).orderBy("createdAt", "desc").orderBy("id", "desc").limit(options.limit);
  if (options.status) query = query.where("status", "=", ctx.dialect.enumValue("Status", options.status));
  return (await query.execute()).map((row) => toRunRecord(row, ctx));
}

export async function lastLogs(ctx: QueryContext, workflowRunId: string, limit: number): Promise<WorkflowLogRecord[]> {
  const rows = await ctx.db
    .selectFrom("workflow_logs")
    .select(recordColumns(ctx, "workflow_logs"))
    .where("workflowRunId", "=", workflowRunId)
    .orderBy("createdAt", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.reverse().map((row) => toLogRecord(row, ctx.dialect));
}

export interface QueueHealth {
  oldestPendingCreatedAt: Date | null;
  staleRunning: number;
}

/** The oldest runnable job's age and the RUNNING jobs whose lock is older than `staleAfterMs`. */
export async function queueHealth(ctx: QueryContext, staleAfterMs: number): Promise<QueueHealth> {
  const { db, dialect } = ctx;
  const oldest = await db
    .selectFrom("job_queue")
    .select((eb) => eb.fn.min("createdAt").as("oldest"))
    .where("status", "=", dialect.enumValue("Status", "PENDING"))
    .executeTakeFirst();
  const stale = await db
    .selectFrom("job_queue")
    .select((eb) => eb.fn.countAll().as("count"))
    .where("status", "=", dialect.enumValue("Status", "RUNNING"))
    .where("lockedAt", "<", dialect.plusSeconds(dialect.now(), -staleAfterMs / 1000))
    .executeTakeFirst();
  return {
    oldestPendingCreatedAt: oldest?.oldest == null ? null : dialect.readDate(oldest.oldest),
    staleRunning: Number(stale?.count ?? 0),
  };
}

/** A RUNNING job whose lock went stale, as `kwp release-stale` shows it before acting. */
export interface StaleJob {
  id: string;
  workflowRunId: string;
  stageId: string;
  workerId: string | null;
  lockedAt: Date;
  attempt: number;
  maxAttempts: number;
}

/** The jobs releaseStaleJobs would act on with this threshold, oldest lock first. */
export async function staleJobs(ctx: QueryContext, staleAfterMs: number): Promise<StaleJob[]> {
  const rows = await ctx.db
    .selectFrom("job_queue")
    .select(["id", "workflowRunId", "stageId", "workerId", "lockedAt", "attempt", "maxAttempts"])
    .where(staleLock(ctx.dialect, staleAfterMs))
    .orderBy("lockedAt", "asc")
    .orderBy("id", "asc")
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    workflowRunId: String(row.workflowRunId),
    stageId: String(row.stageId),
    workerId: row.workerId == null ? null : String(row.workerId),
    lockedAt: ctx.dialect.readDate(row.lockedAt),
    attempt: Number(row.attempt),
    maxAttempts: Number(row.maxAttempts),
  }));
}

export interface PruneCounts {
  runs: number;
  jobs: number;
}

/**
 * Deletes finished runs (their stages, logs and artifacts go with them by
 * cascade) and finished jobs completed before `cutoff`, `batchSize` rows per
 * statement so no single transaction grows with the table. With `dryRun`,
 * only counts.
 */
export async function pruneFinished(ctx: QueryContext, cutoff: Date, dryRun: boolean, batchSize = 500): Promise<PruneCounts> {
  const counts: PruneCounts = { runs: 0, jobs: 0 };
  for (const [table, key] of [["workflow_runs", "runs"], ["job_queue", "jobs"]] as const) {
    const finished = () =>
      ctx.db
        .selectFrom(table)
        .where("status", "in", FINISHED.map((status) => ctx.dialect.enumValue("Status", status)))
        .where("completedAt", "<", ctx.dialect.date(cutoff));
    if (dryRun) {
      const row = await finished().select((eb) => eb.fn.countAll().as("count")).executeTakeFirst();
      counts[key] = Number(row?.count ?? 0);
      continue;
    }
    for (;;) {
      const ids = (await finished().select("id").limit(batchSize).execute()).map((row) => String(row.id));
      if (ids.length === 0) break;
      const result = await ctx.db.deleteFrom(table).where("id", "in", ids).executeTakeFirst();
      counts[key] += Number(result.numDeletedRows);
    }
  }
  return counts;
}
