import { sql } from "kysely";
import { parseInput } from "../validation/parse-input.js";
import { limitSchema } from "../validation/console-schemas.js";
import { clampLimit, MAX_LIMIT } from "./console-cursor.js";
import { dateOrNull, numberOrNull, stageAttempt, type ConsoleReader } from "./console-rows.js";
import type { SuspendedStage } from "./console-types.js";

/** SUSPENDED stages with their run's workflow, the next to poll first (those without a poll time last). */
export async function listSuspendedStages(r: ConsoleReader, limit?: number): Promise<SuspendedStage[]> {
  const count = clampLimit(parseInput("listSuspendedStages", "limit", limitSchema, limit), MAX_LIMIT);
  const rows = await r.db
    .selectFrom("workflow_stages")
    .innerJoin("workflow_runs", "workflow_runs.id", "workflow_stages.workflowRunId")
    .select([
      "workflow_stages.id", "workflow_stages.workflowRunId", "workflow_runs.workflowId", "workflow_stages.stageId",
      "workflow_stages.stageName", stageAttempt(r) as any, "workflow_stages.nextPollAt", "workflow_stages.pollInterval",
      "workflow_stages.maxWaitUntil",
    ])
    .where("workflow_stages.status", "=", r.dialect.enumValue("Status", "SUSPENDED"))
    .orderBy(sql`case when ${sql.ref("workflow_stages.nextPollAt")} is null then 1 else 0 end`)
    .orderBy("workflow_stages.nextPollAt")
    .orderBy("workflow_stages.id")
    .limit(count)
    .execute();
  return (rows as any[]).map((row) => ({
    id: row.id,
    workflowRunId: row.workflowRunId,
    workflowId: row.workflowId,
    stageId: row.stageId,
    stageName: row.stageName,
    attempt: Number(row.attempt ?? 0),
    nextPollAt: dateOrNull(r, row.nextPollAt),
    pollInterval: numberOrNull(row.pollInterval),
    maxWaitUntil: dateOrNull(r, row.maxWaitUntil),
  }));
}
