import { sql, type QueryCreator, type SqlBool } from "kysely";
import type { Database } from "../database/database.js";
import { PreparedQuery } from "../database/prepared-query.js";
import type { DequeueResult } from "../types.js";
import { idSchema } from "../validation/input-schemas.js";
import { parseInput } from "../validation/parse-input.js";
import { completeIds, completeQuery, explainUnacknowledged } from "./acknowledge-jobs.js";
import { claimQuery, claimValues, dequeue, toClaimedJobs } from "./claim-jobs.js";
import type { QueueContext } from "./queue-context.js";

// A worker that finishes a job and goes straight on to the next would
// otherwise send two statements, each its own transaction: complete, then
// dequeue. completeAndDequeue makes them one step. The acknowledgement is
// exactly `complete`'s (fenced, idempotent for this worker); the claim is
// exactly `dequeue`'s, and happens only once the job was acknowledged, so a
// worker that lost its lease gets the error and holds nothing new.
//
// Only for one job at a time: a batch form (completeMany + dequeueBatch in one
// statement) was built and measured, and lost under concurrency (0.77× the two
// statements at 16 workers × 100 jobs on PostgreSQL): each transaction then
// holds its fresh claims while it also writes the completions, and the other
// workers' claims walk past more locked and not-yet-dead index entries.

const OPERATION = "completeAndDequeue";

/**
 * Where the database has data-modifying CTEs (PostgreSQL), one statement:
 *
 *   WITH completed AS (UPDATE … SET COMPLETED … RETURNING id),
 *        claimable AS MATERIALIZED (dequeue's pick, AND (SELECT count(*) FROM completed) = 1)
 *   UPDATE … SET RUNNING … RETURNING …
 *
 * One round trip and one commit per job instead of two. Both UPDATEs see the
 * same snapshot, and they touch different rows (a RUNNING one, a PENDING one).
 */
const completeAndClaimStatement = new PreparedQuery<Record<string, unknown>>((db, dialect) => {
  const withCompleted = db.with("completed", (db) => completeQuery(db, dialect, 1).returning("id"));
  const jobCompleted = sql<SqlBool>`(select count(*) from ${sql.table("completed")}) = 1`;
  // The claim reads "completed" only through raw SQL, so it is typed against the tables alone.
  return claimQuery(withCompleted as unknown as QueryCreator<Database>, dialect, 1, jobCompleted);
});

/** Completes `jobId`, then claims the next runnable job (null when there is none). */
export async function completeAndDequeue(ctx: QueueContext, jobId: string): Promise<DequeueResult | null> {
  parseInput(OPERATION, "jobId", idSchema, jobId);
  if (!ctx.dialect.supportsDataModifyingCtes) {
    // SQLite: the two statements in turn (in-process, a statement costs
    // microseconds). A crash between them leaves the job completed and nothing
    // claimed, as with complete() then dequeue().
    await completeIds(ctx, [jobId], OPERATION);
    return dequeue(ctx);
  }
  const { rows } = await completeAndClaimStatement.execute(ctx, claimValues(ctx), [{ id: jobId }]);
  if (rows.length > 0) return toClaimedJobs(ctx, rows)[0]!;
  // Nothing claimed: the queue had nothing runnable, or the claim was skipped
  // because the job was not completed just now. A lost or missing job throws
  // here; one this worker had already completed counts as acknowledged, and
  // the claim then runs on its own.
  await explainUnacknowledged(ctx, OPERATION, [jobId], "COMPLETED");
  return dequeue(ctx);
}
