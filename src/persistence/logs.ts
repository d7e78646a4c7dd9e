import { missingReferenceError } from "./missing-reference-error.js";
import type { QueryContext } from "../database/query-context.js";
import type { CreateLogInput } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import { createLogSchema } from "../validation/input-schemas.js";

/** A log line may belong to a run, a stage, both or neither. */
export async function createLog(ctx: QueryContext, data: CreateLogInput): Promise<void> {
  const input = parseInput("createLog", "data", createLogSchema, data);
  const { dialect } = ctx;
  try {
    await ctx.db
      .insertInto("workflow_logs")
      .values({
        id: ctx.newId(),
        createdAt: dialect.now(),
        workflowRunId: input.workflowRunId ?? null,
        workflowStageId: input.workflowStageId ?? null,
        level: ctx.contract.label(dialect, "LogLevel", input.level),
        message: input.message,
        metadata: input.metadata == null ? null : dialect.json(input.metadata),
      })
      .execute();
  } catch (error) {
    throw missingReferenceError(ctx, "createLog", input, error);
  }
}
