import type { QueryContext } from "../database/query-context.js";
import { recordColumns } from "../database/record-columns.js";
import type { WorkflowRunRecord } from "../types.js";
import { dateSchema } from "../validation/input-schemas.js";
import { parseInput } from "../validation/parse-input.js";
import { toRunRecord } from "./records.js";

/**
 * RUNNING runs that nothing has touched since `stuckSince`: the run was last
 * updated at or before it and no stage of the run was updated after it. One
 * statement (NOT EXISTS), oldest update first, then by id.
 */
export async function getStuckRuns(ctx: QueryContext, stuckSince: Date): Promise<WorkflowRunRecord[]> {
  parseInput("getStuckRuns", "stuckSince", dateSchema, stuckSince);
  const { dialect } = ctx;
  const since = dialect.date(stuckSince);
  const rows = await ctx.db
    .selectFrom("workflow_runs")
    .select(recordColumns(ctx, "workflow_runs"))
    .where("status", "=", dialect.enumValue("Status", "RUNNING"))
    .where("updatedAt", "<=", since)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("workflow_stages as stage")
            .select("stage.id")
            .whereRef("stage.workflowRunId", "=", "workflow_runs.id")
            .where("stage.updatedAt", ">", since),
        ),
      ),
    )
    .orderBy("updatedAt", "asc")
    .orderBy("id", "asc")
    .execute();
  return rows.map((row) => toRunRecord(row, ctx));
}
