import type { Kysely } from "kysely";
import type { z } from "zod";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { mayViolateConstraint, type QueryContext } from "../database/query-context.js";
import type { CreateStageInput, Status, UpdateStageInput, UpsertStageInput, WorkflowStageRecord } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import {
  createStageSchema,
  idSchema,
  keySchema,
  upsertStageSchema,
  type ParsedUpdateStage as ParsedUpdateStage01,
} from "../validation/input-schemas.js";
import { updateVersioned } from "./versioned-update.js";
import { BoundSet } from "../database/bound-set.js";
import { PreparedQueriesByShape } from "../database/prepared-query.js";
import type { Database } from "../database/database.js";

/** The 1.0 `attempt` arrives only through its schema; the others refuse it. */
type ParsedUpdateStage = ParsedUpdateStage01 & { expectedVersion?: number; attempt?: number };
import { toStageRecord } from "./records.js";
import { recordColumns } from "../database/record-columns.js";

export async function createStage(ctx: QueryContext, data: CreateStageInput): Promise<WorkflowStageRecord> {
  const input: StageInput = parseInput("createStage", "data", ctx.contract.schemas.createStage, data);
  const row = newStageRow(ctx, input, input, { status: "PENDING", startedNow: false });
  try {
    const prepared = stageInserts.forShape(ctx.dialect, `create|${ctx.contract.version}|${row.shape}`, (db: Kysely<Database>) =>
      db.insertInto("workflow_stages").values(row.columns as any).returning(recordColumns(ctx, "workflow_stages")),
    );
    const { rows } = await mayViolateConstraint(ctx, () => prepared.execute(ctx, row.values));
    return toStageRecord(rows[0]!, ctx);
  } catch (error) {
    throw stageWriteError(ctx, "createStage", input.workflowRunId, input.stageId, error);
  }
}

/**
 * One INSERT … ON CONFLICT (workflowRunId, stageId) DO UPDATE, so two workers
 * racing to start the same stage both succeed and see the same row.
 */
export async function upsertStage(ctx: QueryContext, data: UpsertStageInput): Promise<WorkflowStageRecord> {
  const input: z.output<typeof upsertStageSchema> & { create: StageFields; update: ParsedUpdateStage } = parseInput(
    "upsertStage",
    "data",
    ctx.contract.schemas.upsertStage,
    data,
  );
  for (const key of ["workflowRunId", "stageId"] as const) {
    const repeated = input.create[key];
    if (repeated !== undefined && repeated !== input[key]) {
      throw new ValidationError("upsertStage", `data.create.${key}`, `differs from data.${key}`);
    }
  }
  const row = newStageRow(ctx, input, input.create, { status: "RUNNING", startedNow: true });
  const onUpdate = stageUpdateSet(ctx, input.update, "update.");
  for (const [column, expression] of Object.entries(ctx.contract.versionBump("workflow_stages"))) onUpdate.constant(column, expression, "version+1");
  try {
    const shape = `upsert|${ctx.contract.version}|${row.shape}|${onUpdate.shape}`;
    const prepared = stageInserts.forShape(ctx.dialect, shape, (db: Kysely<Database>) =>
      db
        .insertInto("workflow_stages")
        .values(row.columns as any)
        .onConflict((conflict) => conflict.columns(["workflowRunId", "stageId"]).doUpdateSet(onUpdate.columns as any))
        .returning(recordColumns(ctx, "workflow_stages")),
    );
    const { rows } = await mayViolateConstraint(ctx, () => prepared.execute(ctx, { ...row.values, ...onUpdate.values }));
    return toStageRecord(rows[0]!, ctx);
  } catch (error) {
    throw stageWriteError(ctx, "upsertStage", input.workflowRunId, input.stageId, error);
  }
}

export async function updateStage(ctx: QueryContext, id: string, data: UpdateStageInput): Promise<void> {
  parseInput("updateStage", "id", idSchema, id);
  const input: ParsedUpdateStage = parseInput("updateStage", "data", ctx.contract.schemas.updateStage, data);
  await updateVersioned(ctx, {
    operation: "updateStage",
    table: "workflow_stages",
    match: { id },
    set: stageUpdateSet(ctx, input),
    expectedVersion: input.expectedVersion,
  });
}

export async function updateStageByRunAndStageId(
  ctx: QueryContext,
  workflowRunId: string,
  stageId: string,
  data: UpdateStageInput,
): Promise<void> {
  const operation = "updateStageByRunAndStageId";
  parseInput(operation, "workflowRunId", idSchema, workflowRunId);
  parseInput(operation, "stageId", keySchema, stageId);
  const input: ParsedUpdateStage = parseInput(operation, "data", ctx.contract.schemas.updateStage, data);
  await updateVersioned(ctx, {
    operation,
    table: "workflow_stages",
    match: { workflowRunId, stageId },
    set: stageUpdateSet(ctx, input),
    expectedVersion: input.expectedVersion,
  });
}

export async function deleteStage(ctx: QueryContext, id: string): Promise<void> {
  parseInput("deleteStage", "id", idSchema, id);
  const result = await ctx.db.deleteFrom("workflow_stages").where("id", "=", id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError("deleteStage", "workflow stage", id);
}

type StageInput = z.output<typeof createStageSchema> & { attempt?: number };
type StageFields = Omit<StageInput, "workflowRunId" | "stageId">;

/** The row of a new stage, as bound parameters; `defaults` fill in what the caller left out. */
function newStageRow(
  ctx: QueryContext,
  key: { workflowRunId: string; stageId: string },
  fields: StageFields,
  defaults: { status: Status; startedNow: boolean },
): BoundSet {
  const row = new BoundSet(ctx.dialect, "new.")
    .value("id", ctx.newId())
    .now("createdAt")
    .now("updatedAt")
    .value("workflowRunId", key.workflowRunId)
    .value("stageId", key.stageId)
    .value("stageName", fields.stageName)
    .value("stageNumber", fields.stageNumber)
    .value("executionGroup", fields.executionGroup)
    .status("status", fields.status ?? defaults.status)
    .json("config", fields.config ?? null)
    .json("inputData", fields.inputData ?? null);
  if (fields.startedAt) row.date("startedAt", fields.startedAt);
  else if (defaults.startedNow) row.now("startedAt");
  else row.date("startedAt", null);
  for (const [column, value] of Object.entries(ctx.contract.newStageColumns(fields))) row.value(column, value as number);
  return row;
}

/** Built once per dialect and shape, then re-bound (see BoundSet). */
const stageInserts = new PreparedQueriesByShape<Record<string, unknown>>();

/**
 * The SET clause of a stage update, as bound parameters (one prepared
 * statement per shape): `undefined` leaves a column alone, `null` clears it.
 */
function stageUpdateSet(ctx: QueryContext, input: ParsedUpdateStage, prefix = ""): BoundSet {
  const set = new BoundSet(ctx.dialect, prefix).now("updatedAt");
  if (input.status !== undefined) set.status("status", input.status);
  if (input.startedAt !== undefined) set.date("startedAt", input.startedAt);
  if (input.completedAt !== undefined) set.date("completedAt", input.completedAt);
  if (input.duration !== undefined) set.value("duration", input.duration);
  for (const column of ["outputData", "config", "suspendedState", "resumeData", "metrics", "embeddingInfo"] as const) {
    if (input[column] !== undefined) set.json(column, input[column]);
  }
  if (input.nextPollAt !== undefined) set.date("nextPollAt", input.nextPollAt);
  if (input.pollInterval !== undefined) set.value("pollInterval", input.pollInterval);
  if (input.maxWaitUntil !== undefined) set.date("maxWaitUntil", input.maxWaitUntil);
  if (input.errorMessage !== undefined) set.value("errorMessage", input.errorMessage);
  if (input.attempt !== undefined) set.value("attempt", input.attempt);
  return set;
}

function stageWriteError(ctx: QueryContext, operation: string, workflowRunId: string, stageId: string, error: unknown) {
  switch (ctx.dialect.constraintViolation(error)) {
    case "foreign_key":
      return new NotFoundError(operation, "workflow run", workflowRunId);
    case "unique":
      return new ConflictError(operation, "workflow stage", `${workflowRunId}/${stageId}`, { cause: error });
    default:
      return error;
  }
}
