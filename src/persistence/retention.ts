import { sql } from "kysely";
import type { QueryContext } from "../database/query-context.js";
import type { PurgeableRun, PurgeableRunStatus } from "../interfaces/1.0/types.js";
import { dateSchema, idSchema } from "../validation/input-schemas.js";
import { purgeableStatusesSchema, purgeLimitSchema } from "../validation/input-schemas-1.0.js";
import { parseInput } from "../validation/parse-input.js";

// Retention (1.0): which finished runs may go, and deleting one with
// everything under it.

/**
 * Runs in one of `statuses` that finished at or before `cutoff` (completedAt,
 * or updatedAt for a finished run without one), the longest finished first,
 * at most `limit`; each with the ids of its stage records, read in a second
 * statement by run id.
 */
export async function listRunsForPurge(
  ctx: QueryContext,
  cutoff: Date,
  statuses: readonly PurgeableRunStatus[],
  limit: number,
): Promise<PurgeableRun[]> {
  parseInput("listRunsForPurge", "cutoff", dateSchema, cutoff);
  const wanted = parseInput("listRunsForPurge", "statuses", purgeableStatusesSchema, statuses);
  parseInput("listRunsForPurge", "limit", purgeLimitSchema, limit);
  // "one of statuses": none named, none eligible; no rows asked for, none listed.
  if (wanted.length === 0 || limit === 0) return [];
  const { dialect } = ctx;
  const finishedAt = sql`coalesce(${sql.ref("completedAt")}, ${sql.ref("updatedAt")})`;
  const runs = await ctx.db
    .selectFrom("workflow_runs")
    .select(["id", "workflowType", "status"])
    .where("status", "in", [...new Set(wanted)].map((status) => dialect.enumValue("Status", status)))
    .where(sql<boolean>`${finishedAt} <= ${dialect.date(cutoff)}`)
    .orderBy(finishedAt)
    .orderBy("id")
    .limit(limit)
    .execute();
  if (runs.length === 0) return [];
  const stages = await ctx.db
    .selectFrom("workflow_stages")
    .select(["id", "workflowRunId"])
    .where("workflowRunId", "in", dialect.valueList(runs.map((run) => String(run.id))))
    .orderBy("createdAt")
    .orderBy("id")
    .execute();
  const byRun = new Map<string, string[]>(runs.map((run) => [String(run.id), []]));
  for (const stage of stages) byRun.get(String(stage.workflowRunId))!.push(String(stage.id));
  return runs.map((run) => ({
    id: String(run.id),
    workflowType: String(run.workflowType),
    status: run.status as PurgeableRunStatus,
    stageRecordIds: byRun.get(String(run.id))!,
  }));
}

/**
 * Deletes the run in one statement; its stages, their steps, its logs,
 * artifacts and annotations go with it by the schema's cascades (SQLite
 * connections here turn foreign keys on). Job rows and outbox events are the
 * queue's and the publisher's, and stay. A missing id is a no-op: the
 * contract says so (retention may race another purge).
 */
export async function deleteRun(ctx: QueryContext, id: string): Promise<void> {
  parseInput("deleteRun", "id", idSchema, id);
  await ctx.db.deleteFrom("workflow_runs").where("id", "=", id).execute();
}
