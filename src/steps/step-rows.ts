import type { Kysely } from "kysely";
import { db10, type Database10 } from "../contracts/tables-1.0.js";
import { parameter, PreparedQuery } from "../database/prepared-query.js";
import type { QueryContext } from "../database/query-context.js";
import type { StepRecord } from "../interfaces/1.0/step-ledger.js";
import { parseInput } from "../validation/parse-input.js";
import { keepStepIdsSchema, stageRecordIdSchema, stepIdSchema } from "../validation/step-schemas.js";
import { stepColumns, toStepRecord } from "./step-records.js";

/** The step, or null. */
export async function getStep(ctx: QueryContext, stageRecordId: string, stepId: string): Promise<StepRecord | null> {
  parseInput("get", "stageRecordId", stageRecordIdSchema, stageRecordId);
  parseInput("get", "stepId", stepIdSchema, stepId);
  return readStep(ctx, stageRecordId, stepId);
}

// The reads a durable step makes on every claim and every stage re-run:
// built and compiled once per dialect, then re-bound (prepared-query.ts).
const steps = (db: Kysely<any>) => (db as Kysely<Database10>).selectFrom("workflow_steps");

const stepByKey = new PreparedQuery<Record<string, unknown>>((db, dialect) =>
  steps(db)
    .select(stepColumns(dialect))
    .where("stageRecordId", "=", parameter("stageRecordId"))
    .where("stepId", "=", parameter("stepId")),
);

const stepsOfStage = new PreparedQuery<Record<string, unknown>>((db, dialect) =>
  steps(db).select(stepColumns(dialect)).where("stageRecordId", "=", parameter("stageRecordId")).orderBy("seq").orderBy("stepId"),
);

/** One row by its unique key (stageRecordId, stepId); arguments already checked. */
export async function readStep(ctx: QueryContext, stageRecordId: string, stepId: string): Promise<StepRecord | null> {
  const { rows } = await stepByKey.execute(ctx, { stageRecordId, stepId });
  return rows[0] ? toStepRecord(rows[0], ctx.dialect) : null;
}

/** The stage's steps by seq (then stepId), through the stageRecordId index. */
export async function listSteps(ctx: QueryContext, stageRecordId: string): Promise<StepRecord[]> {
  parseInput("list", "stageRecordId", stageRecordIdSchema, stageRecordId);
  const { rows } = await stepsOfStage.execute(ctx, { stageRecordId });
  return rows.map((row) => toStepRecord(row, ctx.dialect));
}

/** Deletes every step of the stage (none is fine: a stage that never ran a step). */
export async function clearSteps(ctx: QueryContext, stageRecordId: string): Promise<void> {
  parseInput("clear", "stageRecordId", stageRecordIdSchema, stageRecordId);
  await db10(ctx).deleteFrom("workflow_steps").where("stageRecordId", "=", stageRecordId).execute();
}

/** Deletes the stage's steps but `keepStepIds`, in one statement; an empty list clears them all. */
export async function clearStepsExcept(ctx: QueryContext, stageRecordId: string, keepStepIds: string[]): Promise<void> {
  parseInput("clearExcept", "stageRecordId", stageRecordIdSchema, stageRecordId);
  const keep = [...new Set(parseInput("clearExcept", "keepStepIds", keepStepIdsSchema, keepStepIds))];
  let statement = db10(ctx).deleteFrom("workflow_steps").where("stageRecordId", "=", stageRecordId);
  if (keep.length > 0) statement = statement.where("stepId", "not in", ctx.dialect.valueList(keep));
  await statement.execute();
}
