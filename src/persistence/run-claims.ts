import { sql } from "kysely";
import type { QueryContext } from "../database/query-context.js";
import type { WorkflowRunRecord } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import { idSchema } from "../validation/input-schemas.js";
import { toRunRecord } from "./records.js";
import { limitOne } from "../database/limit-one.js";
import { recordColumns } from "../database/record-columns.js";
import { servedBy, type Served } from "../database/served-filter.js";

/** What the 1.0 claim takes (validated by its caller); the 0.1 and 0.12 claims pass nothing. */
export interface RunClaimOptions {
  /** Written as startedAt/updatedAt instead of the database's clock. */
  now?: Date;
  /** Only runs these definitions serve (see servedBy). */
  serves?: readonly Served[];
}

// Claiming a run moves it PENDING → RUNNING for exactly one caller. Both claims
// are a single UPDATE whose WHERE re-checks status = 'PENDING', so a second
// caller finds nothing to update instead of taking the run again.

/** True only for the one caller whose UPDATE changed the row. */
export async function claimPendingRun(ctx: QueryContext, id: string): Promise<boolean> {
  parseInput("claimPendingRun", "id", idSchema, id);
  const now = ctx.dialect.now();
  const result = await ctx.db
    .updateTable("workflow_runs")
    .set({ status: ctx.dialect.enumValue("Status", "RUNNING"), startedAt: now, updatedAt: now, ...ctx.contract.versionBump("workflow_runs") })
    .where("id", "=", id)
    .where("status", "=", ctx.dialect.enumValue("Status", "PENDING"))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Claims the highest-priority pending run, oldest first, then by id. The
 * dialect makes the "pick the next run" subquery safe: FOR UPDATE SKIP LOCKED
 * on PostgreSQL (concurrent claimers skip each other's rows instead of
 * waiting or colliding); on SQLite the UPDATE holds the write lock while its
 * subquery reads, so the pick and the update are one atomic step.
 */
export async function claimNextPendingRun(ctx: QueryContext, options: RunClaimOptions = {}): Promise<WorkflowRunRecord | null> {
  const { db, dialect } = ctx;
  const { serves } = options;
  if (serves !== undefined && serves.length === 0) return null; // serves nothing: no work
  // 'PENDING' as a literal rather than a parameter, so a planner can use a
  // partial index on pending rows if an application adds one.
  const pending = sql.lit<"PENDING">("PENDING");
  let pick = db.selectFrom("workflow_runs").select("id").where("status", "=", pending);
  if (serves !== undefined) pick = pick.where(servedBy(sql.ref("workflowId"), sql.ref("definitionVersion"), serves));
  const next = dialect.lockForClaim(pick.orderBy("priority", "desc").orderBy("createdAt", "asc").orderBy("id", "asc").limit(limitOne));
  const now = options.now !== undefined ? dialect.date(options.now) : dialect.now();
  const row = await db
    .updateTable("workflow_runs")
    .set({ status: dialect.enumValue("Status", "RUNNING"), startedAt: now, updatedAt: now, ...ctx.contract.versionBump("workflow_runs") })
    .where("id", "=", next)
    .where("status", "=", pending)
    .returning(recordColumns(ctx, "workflow_runs"))
    .executeTakeFirst();
  return row ? toRunRecord(row, ctx) : null;
}
