import { sql } from "kysely";
import type { QueryContext } from "../../database/query-context.js";

/** What the demo reports, counted by the database over the demo's own runs only. */
export interface DemoFigures {
  runsCompleted: number;
  /** COMPLETED, FAILED or CANCELLED. */
  runsFinished: number;
  jobsCompleted: number;
  /** Failed attempts that were retried, over the completed jobs. */
  retries: number;
  /** Review stages that were suspended and then resumed. */
  resumed: number;
}

const CHUNK = 500;

/**
 * Figures for `runIds` alone: several demos may share one database (and serve
 * each other's jobs), and earlier, interrupted demos may have left runs behind;
 * counting in the process would mix them up.
 */
export async function demoFigures(ctx: QueryContext, runIds: readonly string[]): Promise<DemoFigures> {
  const figures: DemoFigures = { runsCompleted: 0, runsFinished: 0, jobsCompleted: 0, retries: 0, resumed: 0 };
  const { db, dialect } = ctx;
  const completed = dialect.enumValue("Status", "COMPLETED");
  const finished = ["COMPLETED", "FAILED", "CANCELLED"].map((status) => dialect.enumValue("Status", status));
  for (let start = 0; start < runIds.length; start += CHUNK) {
    const ids = runIds.slice(start, start + CHUNK);
    const runs = await db
      .selectFrom("workflow_runs")
      .select((eb) => [
        eb.fn.countAll().filterWhere("status", "=", completed).as("completed"),
        eb.fn.countAll().filterWhere("status", "in", finished).as("finished"),
      ])
      .where("id", "in", ids)
      .executeTakeFirstOrThrow();
    const jobs = await db
      .selectFrom("job_queue")
      // A retried job failed with lastError set; a review job that was suspended
      // and resumed also took a second attempt, but is no retry.
      .select((eb) => [
        eb.fn.countAll().as("completed"),
        eb.fn.sum(sql<number>`case when "lastError" is null then 0 else "attempt" - 1 end`).as("retries"),
      ])
      .where("workflowRunId", "in", ids)
      .where("status", "=", completed)
      .executeTakeFirstOrThrow();
    const resumed = await db
      .selectFrom("workflow_stages")
      .select((eb) => eb.fn.countAll().as("resumed"))
      .where("workflowRunId", "in", ids)
      .where("resumeData", "is not", null)
      .executeTakeFirstOrThrow();
    figures.runsCompleted += Number(runs.completed);
    figures.runsFinished += Number(runs.finished);
    figures.jobsCompleted += Number(jobs.completed);
    figures.retries += Number(jobs.retries ?? 0);
    figures.resumed += Number(resumed.resumed);
  }
  return figures;
}

/**
 * After an interrupted demo: its runs that did not finish are CANCELLED and
 * their waiting jobs with them, so nothing of it stays PENDING or RUNNING and
 * a later demo on the same database starts clean. Returns the runs cancelled.
 */
export async function cancelUnfinishedDemoRuns(ctx: QueryContext, runIds: readonly string[]): Promise<number> {
  const { db, dialect } = ctx;
  const open = ["PENDING", "RUNNING", "SUSPENDED"].map((status) => dialect.enumValue("Status", status));
  const cancelled = dialect.enumValue("Status", "CANCELLED");
  let runs = 0;
  for (let start = 0; start < runIds.length; start += CHUNK) {
    const ids = runIds.slice(start, start + CHUNK);
    const now = dialect.now();
    await db
      .updateTable("job_queue")
      .set({ status: cancelled, completedAt: now, updatedAt: now, workerId: null, lockedAt: null })
      .where("workflowRunId", "in", ids)
      .where("status", "in", open)
      .execute();
    await db.updateTable("workflow_stages").set({ status: cancelled, updatedAt: now }).where("workflowRunId", "in", ids).where("status", "in", open).execute();
    const result = await db
      .updateTable("workflow_runs")
      .set({ status: cancelled, completedAt: now, updatedAt: now })
      .where("id", "in", ids)
      .where("status", "in", open)
      .executeTakeFirst();
    runs += Number(result.numUpdatedRows);
  }
  return runs;
}
