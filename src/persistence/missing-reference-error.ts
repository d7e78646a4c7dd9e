import { NotFoundError } from "../errors.js";
import type { QueryContext } from "../database/query-context.js";

/**
 * Turns a foreign-key violation on a row that references a run and maybe a
 * stage (a log line, an artifact) into a NotFoundError; other errors pass
 * through. SQLite does not say which reference failed, so both are named.
 */
export function missingReferenceError(
  ctx: QueryContext,
  operation: string,
  references: { workflowRunId?: string | undefined; workflowStageId?: string | undefined },
  error: unknown,
): unknown {
  if (ctx.dialect.constraintViolation(error) !== "foreign_key") return error;
  const { workflowRunId, workflowStageId } = references;
  return new NotFoundError(
    operation,
    workflowStageId ? "workflow run or stage" : "workflow run",
    [workflowRunId, workflowStageId].filter(Boolean).join("/"),
  );
}
