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
  const stages = await ctx.db
    .updateTable("workflow_stages")
    .set({ status: failed, errorMessage: ABANDONED_STAGE_ERROR, completedAt: now, updatedAt: now })
    .where("status", "=", running)
    .where((eb) =>
      eb.or(jobs.map((job) => eb.and([eb("workflowRunId", "=", job.workflowRunId), eb("stageId", "=", job.stageId)]))),
    )
    .executeTakeFirst();
  const runs = await ctx.db
    .updateTable("workflow_runs")
    .set({ status: failed, completedAt: now, updatedAt: now })
    .where("status", "=", running)
    .where("id", "in", [...new Set(jobs.map((job) => job.workflowRunId))])
    .executeTakeFirst();
  return { stages: Number(stages.numUpdatedRows), runs: Number(runs.numUpdatedRows) };
}
