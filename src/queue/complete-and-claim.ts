import { sql, type Kysely, type QueryCreator, type SqlBool } from "kysely";
import type { Database } from "../database/database.js";
import { PreparedQueriesBySize } from "../database/prepared-query.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { DequeueResult } from "../types.js";
import { batchSizeSchema, idSchema, jobIdsSchema, MAX_CLAIM_LIMIT } from "../validation/input-schemas.js";
import { parseInput } from "../validation/parse-input.js";
import { completeIds, completeQuery, explainUnacknowledged } from "./acknowledge-jobs.js";
import { claimJobs, claimQuery, claimValues, toClaimedJobs } from "./claim-jobs.js";
import type { QueueContext } from "./queue-context.js";

// A worker that finishes a job and wants the next one would otherwise send two
// statements, each its own transaction: complete, then dequeue. Here they are
// one step. The acknowledgement is exactly `complete`'s (fenced, idempotent for
// this worker); the claim is exactly `dequeue`'s, and happens only once every
// job was acknowledged, so a worker that lost a lease gets the error and holds
// nothing new.

/** Completes `jobId`, then claims the next runnable job (null when there is none). */
export async function completeAndDequeue(ctx: QueueContext, jobId: string): Promise<DequeueResult | null> {
  parseInput("completeAndDequeue", "jobId", idSchema, jobId);
  const [job] = await completeThenClaim(ctx, "completeAndDequeue", [jobId], 1);
  return job ?? null;
}

/** Completes `jobIds`, then claims up to `limit` runnable jobs, in claim order. */
export async function completeManyAndDequeueBatch(
  ctx: QueueContext,
  jobIds: string[],
  limit: number,
): Promise<DequeueResult[]> {
  parseInput("completeManyAndDequeueBatch", "jobIds", jobIdsSchema, jobIds);
  parseInput("completeManyAndDequeueBatch", "limit", batchSizeSchema, limit);
  return completeThenClaim(ctx, "completeManyAndDequeueBatch", [...new Set(jobIds)], limit);
}

/**
 * Where the database has data-modifying CTEs (PostgreSQL), one statement:
 *
 *   WITH completed AS (UPDATE … SET COMPLETED … RETURNING id),
 *        claimable AS MATERIALIZED (the claim's pick, AND (SELECT count(*) FROM completed) = n)
 *   UPDATE … SET RUNNING … RETURNING …
 *
 * One round trip and one commit per job instead of two. Both UPDATEs see the
 * same snapshot, and they touch different rows (RUNNING ones, PENDING ones).
 * Elsewhere (SQLite, in-process, where a statement costs microseconds) the two
 * statements run in turn; a crash between them leaves the job completed and
 * nothing claimed, as with complete() then dequeue().
 */
function completeAndClaimQuery(db: Kysely<Database>, dialect: DialectSupport, size: number, limit: number) {
  const withCompleted = db.with("completed", (db) => completeQuery(db, dialect, size).returning("id"));
  const everyJobCompleted = sql<SqlBool>`(select count(*) from ${sql.table("completed")}) = ${sql.lit(size)}`;
  // The claim reads "completed" only through raw SQL, so it is typed against the tables alone.
  return claimQuery(withCompleted as unknown as QueryCreator<Database>, dialect, limit, everyJobCompleted);
}

/** One template per (jobs completed, claim limit), both written into the SQL (see claim-jobs.ts). */
const completeAndClaimStatements = new PreparedQueriesBySize<Record<string, unknown>, [size: number, limit: number]>(
  completeAndClaimQuery,
  100,
  MAX_CLAIM_LIMIT,
);

async function completeThenClaim(
  ctx: QueueContext,
  operation: string,
  ids: string[],
  limit: number,
): Promise<DequeueResult[]> {
  const prepared =
    ctx.dialect.supportsDataModifyingCtes && ids.length > 0 ? completeAndClaimStatements.forSize(ids.length, limit) : undefined;
  if (!prepared) {
    await completeIds(ctx, ids, operation);
    return claimJobs(ctx, limit);
  }
  const { rows } = await prepared.execute(ctx, claimValues(ctx), ids.map((id) => ({ id })));
  if (rows.length > 0) return toClaimedJobs(ctx.dialect, rows);
  // Nothing claimed: the queue had nothing runnable, or the claim was skipped
  // because not every job was completed just now. Lost or missing jobs throw
  // here; jobs this worker had already completed count as acknowledged, and
  // the claim then runs on its own.
  await explainUnacknowledged(ctx, operation, ids, "COMPLETED");
  return claimJobs(ctx, limit);
}
