import { sql } from "kysely";
import type { QueryContext } from "../database/query-context.js";
import type { GetStagesByRunOptions, Status, WorkflowStageRecord } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import {
  dateSchema,
  getStagesByRunOptionsSchema,
  idSchema,
  int32Schema,
  keySchema,
} from "../validation/input-schemas.js";
import { toStageRecord } from "./records.js";
import { limitOne } from "../database/limit-one.js";
import { recordColumns } from "../database/record-columns.js";
import { servedBy, type Served } from "../database/served-filter.js";

// Stages run in pipeline order: by executionGroup, then stageNumber. Every
// ordered query breaks remaining ties by stageId (unique within a run) so the
// same data always comes back in the same order.

type Direction = "asc" | "desc";

function stagesOfRun(ctx: QueryContext, workflowRunId: string) {
  return ctx.db.selectFrom("workflow_stages").select(recordColumns(ctx, "workflow_stages")).where("workflowRunId", "=", workflowRunId);
}

function inPipelineOrder<Q extends ReturnType<typeof stagesOfRun>>(query: Q, direction: Direction): Q {
  return query
    .orderBy("executionGroup", direction)
    .orderBy("stageNumber", direction)
    .orderBy("stageId", direction) as Q;
}

export async function getStage(ctx: QueryContext, workflowRunId: string, stageId: string): Promise<WorkflowStageRecord | null> {
  parseInput("getStage", "workflowRunId", idSchema, workflowRunId);
  parseInput("getStage", "stageId", keySchema, stageId);
  const row = await stagesOfRun(ctx, workflowRunId).where("stageId", "=", stageId).executeTakeFirst();
  return row ? toStageRecord(row, ctx) : null;
}

export async function getStageById(ctx: QueryContext, id: string): Promise<WorkflowStageRecord | null> {
  parseInput("getStageById", "id", idSchema, id);
  const row = await ctx.db.selectFrom("workflow_stages").select(recordColumns(ctx, "workflow_stages")).where("id", "=", id).executeTakeFirst();
  return row ? toStageRecord(row, ctx) : null;
}

export async function getStagesByRun(
  ctx: QueryContext,
  workflowRunId: string,
  options?: GetStagesByRunOptions,
): Promise<WorkflowStageRecord[]> {
  parseInput("getStagesByRun", "workflowRunId", idSchema, workflowRunId);
  const { status, orderBy = "asc" } = parseInput("getStagesByRun", "options", getStagesByRunOptionsSchema, options) ?? {};
  let query = inPipelineOrder(stagesOfRun(ctx, workflowRunId), orderBy);
  if (status !== undefined) query = query.where("status", "=", ctx.dialect.enumValue("Status", status));
  const rows = await query.execute();
  return rows.map((row) => toStageRecord(row, ctx));
}

/** SUSPENDED stages of every run whose poll time has come, earliest first. */
export async function getSuspendedStages(
  ctx: QueryContext,
  beforeDate: Date,
  options: { limit?: number; serves?: readonly Served[] } = {},
): Promise<WorkflowStageRecord[]> {
  parseInput("getSuspendedStages", "beforeDate", dateSchema, beforeDate);
  const { limit, serves } = options;
  if (serves !== undefined && serves.length === 0) return [];
  let query = ctx.db
    .selectFrom("workflow_stages")
    .select(recordColumns(ctx, "workflow_stages"))
    .where("status", "=", ctx.dialect.enumValue("Status", "SUSPENDED"))
    .where("nextPollAt", "<=", ctx.dialect.date(beforeDate));
  if (serves !== undefined) {
    // 1.0: the stage's run must be one this host serves (a correlated lookup by the run's primary key).
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("workflow_runs as run")
          .select("run.id")
          .whereRef("run.id", "=", "workflow_stages.workflowRunId")
          .where(servedBy(sql.ref("run.workflowId"), sql.ref("run.definitionVersion"), serves)),
      ),
    );
  }
  query = query.orderBy("nextPollAt", "asc").orderBy("id", "asc");
  if (limit !== undefined) query = query.limit(limit);
  const rows = await query.execute();
  return rows.map((row) => toStageRecord(row, ctx));
}

/** The earliest SUSPENDED stage with no pending poll (its external event has arrived). */
export async function getFirstSuspendedStageReadyToResume(ctx: QueryContext, workflowRunId: string) {
  return firstStage(ctx, "getFirstSuspendedStageReadyToResume", workflowRunId, "SUSPENDED", "asc", (query) =>
    query.where("nextPollAt", "is", null),
  );
}

/** The earliest FAILED stage in the pipeline. */
export async function getFirstFailedStage(ctx: QueryContext, workflowRunId: string) {
  return firstStage(ctx, "getFirstFailedStage", workflowRunId, "FAILED", "asc");
}

/** The latest COMPLETED stage in the pipeline. */
export async function getLastCompletedStage(ctx: QueryContext, workflowRunId: string) {
  return firstStage(ctx, "getLastCompletedStage", workflowRunId, "COMPLETED", "desc");
}

/** The latest COMPLETED stage in an execution group before `executionGroup`. */
export async function getLastCompletedStageBefore(ctx: QueryContext, workflowRunId: string, executionGroup: number) {
  parseInput("getLastCompletedStageBefore", "executionGroup", int32Schema, executionGroup);
  return firstStage(ctx, "getLastCompletedStageBefore", workflowRunId, "COMPLETED", "desc", (query) =>
    query.where("executionGroup", "<", executionGroup),
  );
}

async function firstStage(
  ctx: QueryContext,
  operation: string,
  workflowRunId: string,
  status: Status,
  direction: Direction,
  narrow: (query: ReturnType<typeof stagesOfRun>) => ReturnType<typeof stagesOfRun> = (query) => query,
): Promise<WorkflowStageRecord | null> {
  parseInput(operation, "workflowRunId", idSchema, workflowRunId);
  const query = narrow(stagesOfRun(ctx, workflowRunId).where("status", "=", ctx.dialect.enumValue("Status", status)));
  const row = await inPipelineOrder(query, direction).limit(limitOne).executeTakeFirst();
  return row ? toStageRecord(row, ctx) : null;
}
