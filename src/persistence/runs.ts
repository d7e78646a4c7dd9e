import { ConflictError } from "../errors.js";
import { mayViolateConstraint, type QueryContext } from "../database/query-context.js";
import type { CreateRunInput, Status, UpdateRunInput, WorkflowRunRecord } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import { createRunSchema, idSchema, statusSchema, updateRunSchema } from "../validation/input-schemas.js";
import { toRunRecord } from "./records.js";
import { updateVersioned } from "./versioned-update.js";
import { BoundSet } from "../database/bound-set.js";
import type { z } from "zod";
import { recordColumns } from "../database/record-columns.js";

export async function createRun(ctx: QueryContext, data: CreateRunInput): Promise<WorkflowRunRecord> {
  const input: z.output<typeof createRunSchema> = parseInput("createRun", "data", ctx.contract.schemas.createRun, data);
  const extraColumns = await ctx.contract.newRunColumns(ctx, "createRun", input);
  const { dialect } = ctx;
  const id = input.id ?? ctx.newId();
  const now = dialect.now();
  try {
    const row = await mayViolateConstraint(ctx, () => ctx.db
      .insertInto("workflow_runs")
      .values({
        ...extraColumns,
        id,
        createdAt: now,
        updatedAt: now,
        workflowId: input.workflowId,
        workflowName: input.workflowName,
        workflowType: input.workflowType,
        status: dialect.enumValue("Status", "PENDING"),
        input: dialect.json(input.input),
        config: dialect.json(input.config ?? "{}"),
        priority: input.priority ?? 5,
        totalCost: 0,
        totalTokens: 0,
      })
      .returning(recordColumns(ctx, "workflow_runs"))
      .executeTakeFirstOrThrow());
    return toRunRecord(row, ctx);
  } catch (error) {
    if (dialect.constraintViolation(error) === "unique") {
      throw new ConflictError("createRun", "workflow run", id, { cause: error });
    }
    throw error;
  }
}

export async function updateRun(ctx: QueryContext, id: string, data: UpdateRunInput): Promise<void> {
  parseInput("updateRun", "id", idSchema, id);
  // The 1.0 fields arrive only through its schema; the others refuse them.
  const input: z.output<typeof updateRunSchema> & { expectedVersion?: number; definitionVersion?: string | null; redriveCount?: number } = parseInput(
    "updateRun",
    "data",
    ctx.contract.schemas.updateRun,
    data,
  );
  const set = new BoundSet(ctx.dialect).now("updatedAt");
  if (input.status !== undefined) set.status("status", input.status);
  if (input.startedAt !== undefined) set.date("startedAt", input.startedAt);
  if (input.completedAt !== undefined) set.date("completedAt", input.completedAt);
  if (input.duration !== undefined) set.value("duration", input.duration);
  if (input.output !== undefined) set.json("output", input.output);
  if (input.totalCost !== undefined) set.float("totalCost", input.totalCost);
  if (input.totalTokens !== undefined) set.value("totalTokens", input.totalTokens);
  if (input.definitionVersion !== undefined) set.value("definitionVersion", input.definitionVersion);
  if (input.redriveCount !== undefined) set.value("redriveCount", input.redriveCount);

  await updateVersioned(ctx, {
    operation: "updateRun",
    table: "workflow_runs",
    match: { id },
    set,
    expectedVersion: input.expectedVersion,
  });
}

export async function getRun(ctx: QueryContext, id: string): Promise<WorkflowRunRecord | null> {
  parseInput("getRun", "id", idSchema, id);
  const row = await ctx.db.selectFrom("workflow_runs").select(recordColumns(ctx, "workflow_runs")).where("id", "=", id).executeTakeFirst();
  return row ? toRunRecord(row, ctx) : null;
}

export async function getRunStatus(ctx: QueryContext, id: string): Promise<Status | null> {
  parseInput("getRunStatus", "id", idSchema, id);
  const row = await ctx.db.selectFrom("workflow_runs").select("status").where("id", "=", id).executeTakeFirst();
  return row ? (row.status as Status) : null;
}

/** Oldest first; ties by id, which is time-ordered for generated ids. */
export async function getRunsByStatus(ctx: QueryContext, status: Status): Promise<WorkflowRunRecord[]> {
  parseInput("getRunsByStatus", "status", statusSchema, status);
  const rows = await ctx.db
    .selectFrom("workflow_runs")
    .select(recordColumns(ctx, "workflow_runs"))
    .where("status", "=", ctx.dialect.enumValue("Status", status))
    .orderBy("createdAt", "asc")
    .orderBy("id", "asc")
    .execute();
  return rows.map((row) => toRunRecord(row, ctx));
}
