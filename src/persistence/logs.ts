import { missingReferenceError } from "./missing-reference-error.js";
import { parameter, PreparedQueriesByShape } from "../database/prepared-query.js";

const logInserts = new PreparedQueriesByShape<never>();
import { mayViolateConstraint, type QueryContext } from "../database/query-context.js";
import type { CreateLogInput } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import { createLogSchema } from "../validation/input-schemas.js";

/** A log line may belong to a run, a stage, both or neither. */
export async function createLog(ctx: QueryContext, data: CreateLogInput): Promise<void> {
  const input = parseInput("createLog", "data", createLogSchema, data);
  // Built once per dialect and contract (the level's type differs), re-bound per call.
  const prepared = logInserts.forShape(ctx.dialect, ctx.contract.version, (db, dialect) =>
    db.insertInto("workflow_logs").values({
      id: parameter("id"),
      createdAt: dialect.nowFrom(parameter("clock")),
      workflowRunId: parameter("workflowRunId"),
      workflowStageId: parameter("workflowStageId"),
      level: ctx.contract.label(dialect, "LogLevel", parameter("level")),
      message: parameter("message"),
      metadata: dialect.json(parameter("metadata")),
    }),
  );
  const values = {
    id: ctx.newId(),
    clock: ctx.dialect.clockValue(),
    workflowRunId: input.workflowRunId ?? null,
    workflowStageId: input.workflowStageId ?? null,
    level: input.level,
    message: input.message,
    metadata: input.metadata ?? null,
  };
  try {
    await mayViolateConstraint(ctx, () => prepared.execute(ctx, values));
  } catch (error) {
    throw missingReferenceError(ctx, "createLog", input, error);
  }
}
