import { sql } from "kysely";
import { db10 } from "../contracts/tables-1.0.js";
import { GROUP_KEY_PAYLOAD_KEY } from "../contracts/job-payload.js";
import type { QueryContext } from "../database/query-context.js";
import type { StepRecord } from "../interfaces/1.0/step-ledger.js";
import { stepColumns, toStepRecord } from "../steps/step-records.js";

// What the command-line tool shows of what only the 1.0 contract has.

/** Every step of the run's stages, by stage then seq (one query through the stage rows). */
export async function stepsOfRun(ctx: QueryContext, workflowRunId: string): Promise<StepRecord[]> {
  const rows = await db10(ctx)
    .selectFrom("workflow_steps")
    .innerJoin("workflow_stages", "workflow_stages.id", "workflow_steps.stageRecordId")
    .select(stepColumns(ctx.dialect).map((column) => (typeof column === "string" ? `workflow_steps.${column}` : column)) as any)
    .where("workflow_stages.workflowRunId", "=", workflowRunId)
    .orderBy("workflow_stages.executionGroup")
    .orderBy("workflow_stages.stageNumber")
    .orderBy("workflow_steps.seq")
    .execute();
  return rows.map((row) => toStepRecord(row as Record<string, unknown>, ctx.dialect));
}

export interface FairnessGroup {
  /** The job payload's `_groupKey`; null: jobs without one (one anonymous group). */
  group: string | null;
  pending: number;
  running: number;
}

/** PENDING and RUNNING jobs per fairness group (EnqueueJobInput.groupKey), busiest first, at most `limit`. */
export async function fairnessGroups(ctx: QueryContext, limit: number): Promise<FairnessGroup[]> {
  const group = ctx.dialect.jsonTextField("payload", GROUP_KEY_PAYLOAD_KEY);
  const rows = await ctx.db
    .selectFrom("job_queue")
    .select([
      sql<string | null>`${group}`.as("g"),
      sql<number>`sum(case when cast(${sql.ref("status")} as text) = 'PENDING' then 1 else 0 end)`.as("pending"),
      sql<number>`sum(case when cast(${sql.ref("status")} as text) = 'RUNNING' then 1 else 0 end)`.as("running"),
    ])
    .where("status", "in", [ctx.dialect.enumValue("Status", "PENDING"), ctx.dialect.enumValue("Status", "RUNNING")])
    .groupBy(sql.ref("g") as never)
    .orderBy(sql`count(*)`, "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ group: row.g == null ? null : String(row.g), pending: Number(row.pending), running: Number(row.running) }));
}
