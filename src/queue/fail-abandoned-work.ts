import type { QueryContext } from "../database/query-context.js";

export const ABANDONED_STAGE_ERROR =
  "the stage's job exhausted its attempts on workers that vanished (lock went stale each time); marked FAILED by releaseStaleJobs";

export interface AbandonedJob {
  workflowRunId: string;
  stageId: string;
}

/**
 * The engine marks a stage and its run FAILED only when its own worker reports
 * the failure. A job whose every worker died is never reported, so once
 * releaseStaleJobs gives up on it, its stage and run would stay RUNNING
 * forever. This marks them FAILED, in releaseStaleJobs' transaction, only
 * where they are still RUNNING (a stage or run another path already ended is
 * left as it is). A job's stageId names the stage within its run
 * (`workflow_stages.stageId`).
 */
export async function failAbandonedWork(ctx: QueryContext, jobs: readonly AbandonedJob[]): Promise<{ stages: number; runs: number }> {
  if (jobs.length === 0) return { stages: 0, runs: 0 };
  const { dialect } = ctx;
  const now = dialect.now();
  const running = dialect.enumValue("Status", "RUNNING");
  const failed = dialect.enumValue("Status", "FAILED");
  const counts = { stages: 0, runs: 0 };
  // In slices, so the bound parameters stay far below both databases' limits
  // however many jobs were given up at once (the caller's transaction holds them together).
  for (let start = 0; start < jobs.length; start += PAIRS_PER_STATEMENT) {
    const slice = jobs.slice(start, start + PAIRS_PER_STATEMENT);
    const stages = await ctx.db
      .updateTable("workflow_stages")
      .set({ status: failed, errorMessage: ABANDONED_STAGE_ERROR, completedAt: now, updatedAt: now })
      .where("status", "=", running)
      .where((eb) =>
        eb.or(slice.map((job) => eb.and([eb("workflowRunId", "=", job.workflowRunId), eb("stageId", "=", job.stageId)]))),
      )
      .executeTakeFirst();
    counts.stages += Number(stages.numUpdatedRows);
  }
  const runIds = [...new Set(jobs.map((job) => job.workflowRunId))];
  for (let start = 0; start < runIds.length; start += PAIRS_PER_STATEMENT * 2) {
    const runs = await ctx.db
      .updateTable("workflow_runs")
      .set({ status: failed, completedAt: now, updatedAt: now })
      .where("status", "=", running)
      .where("id", "in", runIds.slice(start, start + PAIRS_PER_STATEMENT * 2))
      .executeTakeFirst();
    counts.runs += Number(runs.numUpdatedRows);
  }
  return counts;
}

const PAIRS_PER_STATEMENT = 500;
