import { idSchema } from "../validation/input-schemas.js";
import { stageIdsSchema } from "../validation/input-schemas-1.0.js";
import { parseInput } from "../validation/parse-input.js";
import type { QueueContext } from "./queue-context.js";

/**
 * Deletes the job rows of the run's named stages, whatever their status, in
 * one statement, and returns how many went (a rerun retires those stages;
 * nothing would ever run their rows again). No stages, or stages without
 * rows, delete nothing and return 0: the port says so.
 */
export async function deleteByRunAndStages(ctx: QueueContext, workflowRunId: string, stageIds: string[]): Promise<number> {
  parseInput("deleteByRunAndStages", "workflowRunId", idSchema, workflowRunId);
  const stages = [...new Set(parseInput("deleteByRunAndStages", "stageIds", stageIdsSchema, stageIds))];
  if (stages.length === 0) return 0;
  const result = await ctx.db
    .deleteFrom("job_queue")
    .where("workflowRunId", "=", workflowRunId)
    .where("stageId", "in", ctx.dialect.valueList(stages))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
