import { sql } from "kysely";
import { parseInput } from "../validation/parse-input.js";
import { runIdsSchema } from "../validation/console-schemas.js";
import type { ConsoleReader } from "./console-rows.js";

/** Why a run failed, as its stages say: the first stage that finished with an error. */
export interface RunError {
  stageName: string;
  errorMessage: string;
}

/**
 * The error of each of `runIds` that has one (a stage with an errorMessage;
 * the earliest to finish), for the runs list: one statement over at most a
 * page of runs, on the (workflowRunId, stageId) index.
 */
export async function listRunErrors(r: ConsoleReader, runIds: readonly string[]): Promise<Map<string, RunError>> {
  const ids = parseInput("listRunErrors", "runIds", runIdsSchema, [...runIds]);
  const errors = new Map<string, RunError>();
  if (!ids.length) return errors;
  const rows = await r.db
    .selectFrom("workflow_stages")
    .select(["workflowRunId", "stageName", "errorMessage", "completedAt", "stageNumber"])
    .where("workflowRunId", "in", ids)
    .where("errorMessage", "is not", null)
    .orderBy("workflowRunId")
    // Finished stages first on both databases (PostgreSQL sorts NULL last, SQLite first).
    .orderBy(sql`case when ${sql.ref("completedAt")} is null then 1 else 0 end`)
    .orderBy("completedAt")
    .orderBy("stageNumber")
    .execute();
  for (const row of rows as Array<{ workflowRunId: string; stageName: string; errorMessage: string }>) {
    if (!errors.has(row.workflowRunId)) errors.set(row.workflowRunId, { stageName: row.stageName, errorMessage: row.errorMessage });
  }
  return errors;
}
