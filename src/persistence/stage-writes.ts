import type { Expression } from "kysely";
import type { z } from "zod";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { QueryContext } from "../database/query-context.js";
import type { CreateStageInput, Status, UpdateStageInput, UpsertStageInput, WorkflowStageRecord } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import {
  createStageSchema,
  idSchema,
  nonEmptyTextSchema,
  upsertStageSchema,
  type ParsedUpdateStage as ParsedUpdateStage01,
} from "../validation/input-schemas.js";
import { updateVersioned } from "./versioned-update.js";

type ParsedUpdateStage = ParsedUpdateStage01 & { expectedVersion?: number };
import { toStageRecord } from "./records.js";
import { recordColumns } from "../database/record-columns.js";

export async function createStage(ctx: QueryContext, data: CreateStageInput): Promise<WorkflowStageRecord> {
  const input: StageInput = parseInput("createStage", "data", ctx.contract.schemas.createStage, data);
  const now = ctx.dialect.now();
  try {
    const row = await ctx.db
      .insertInto("workflow_stages")
      .values(newStageRow(ctx, input, input, { status: "PENDING", startedAt: null }, now))
      .returning(recordColumns(ctx, "workflow_stages"))
      .executeTakeFirstOrThrow();
    return toStageRecord(row, ctx);
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
  const { dialect } = ctx;
  const now = dialect.now();
  const onUpdate = { ...stageUpdateSet(ctx, input.update), ...ctx.contract.versionBump("workflow_stages") };
  try {
    const row = await ctx.db
      .insertInto("workflow_stages")
      .values(newStageRow(ctx, input, input.create, { status: "RUNNING", startedAt: now }, now))
      .onConflict((conflict) => conflict.columns(["workflowRunId", "stageId"]).doUpdateSet(onUpdate))
      .returning(recordColumns(ctx, "workflow_stages"))
      .executeTakeFirstOrThrow();
    return toStageRecord(row, ctx);
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
  parseInput(operation, "stageId", nonEmptyTextSchema, stageId);
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

/** The row of a new stage; `defaults` fill in what the caller left out. */
function newStageRow(
  ctx: QueryContext,
  key: { workflowRunId: string; stageId: string },
  fields: StageFields,
  defaults: { status: Status; startedAt: Expression<any> | null },
  now: Expression<any>,
) {
  const { dialect } = ctx;
  return {
    ...ctx.contract.newStageColumns(fields),
    id: ctx.newId(),
    createdAt: now,
    updatedAt: now,
    workflowRunId: key.workflowRunId,
    stageId: key.stageId,
    stageName: fields.stageName,
    stageNumber: fields.stageNumber,
    executionGroup: fields.executionGroup,
    status: dialect.enumValue("Status", fields.status ?? defaults.status),
    startedAt: fields.startedAt ? dialect.date(fields.startedAt) : defaults.startedAt,
    config: fields.config == null ? null : dialect.json(fields.config),
    inputData: fields.inputData == null ? null : dialect.json(fields.inputData),
  };
}

/** The SET clause of a stage update: `undefined` leaves a column alone, `null` clears it. */
function stageUpdateSet(ctx: QueryContext, input: ParsedUpdateStage & { expectedVersion?: number }): Record<string, unknown> {
  const { dialect } = ctx;
  const set: Record<string, unknown> = { updatedAt: dialect.now() };
  const date = (value: Date | null) => (value === null ? null : dialect.date(value));
  const json = (value: string | null) => (value === null ? null : dialect.json(value));

  if (input.status !== undefined) set.status = dialect.enumValue("Status", input.status);
  if (input.startedAt !== undefined) set.startedAt = date(input.startedAt);
  if (input.completedAt !== undefined) set.completedAt = date(input.completedAt);
  if (input.duration !== undefined) set.duration = input.duration;
  if (input.outputData !== undefined) set.outputData = json(input.outputData);
  if (input.config !== undefined) set.config = json(input.config);
  if (input.suspendedState !== undefined) set.suspendedState = json(input.suspendedState);
  if (input.resumeData !== undefined) set.resumeData = json(input.resumeData);
  if (input.nextPollAt !== undefined) set.nextPollAt = date(input.nextPollAt);
  if (input.pollInterval !== undefined) set.pollInterval = input.pollInterval;
  if (input.maxWaitUntil !== undefined) set.maxWaitUntil = date(input.maxWaitUntil);
  if (input.metrics !== undefined) set.metrics = json(input.metrics);
  if (input.embeddingInfo !== undefined) set.embeddingInfo = json(input.embeddingInfo);
  if (input.errorMessage !== undefined) set.errorMessage = input.errorMessage;
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
