import { ValidationError } from "../errors.js";
import { parseInput } from "../validation/parse-input.js";
import { runIdSchema } from "../validation/console-schemas.js";
import type { ConsoleReader } from "./console-rows.js";

/** A stage's JSON columns the inspector opens on demand (large ones are not in the stage summaries). */
export type StagePayloadName = "outputData" | "suspendedState" | "inputData" | "resumeData" | "config" | "metrics";
export const STAGE_PAYLOADS: readonly StagePayloadName[] = ["outputData", "suspendedState", "inputData", "resumeData", "config", "metrics"];

/**
 * One JSON column of one stage of a run (by the stage record's id): the value
 * as stored, null when the column is empty, undefined when the run has no
 * such stage. One row by primary key.
 */
export async function getStagePayload(r: ConsoleReader, runId: string, stageRecordId: string, name: StagePayloadName): Promise<unknown> {
  const run = parseInput("getStagePayload", "runId", runIdSchema, runId);
  const stage = parseInput("getStagePayload", "stageRecordId", runIdSchema, stageRecordId);
  if (!(STAGE_PAYLOADS as readonly unknown[]).includes(name)) throw new ValidationError("getStagePayload", "name", `is none of ${STAGE_PAYLOADS.join(", ")}`);
  const row = (await r.db
    .selectFrom("workflow_stages")
    .select([r.dialect.selectJson(name)] as any)
    .where("id", "=", stage)
    .where("workflowRunId", "=", run)
    .executeTakeFirst()) as Record<string, unknown> | undefined;
  if (!row) return undefined;
  const value = row[name];
  return value === null || value === undefined ? null : r.dialect.readJson(value);
}
