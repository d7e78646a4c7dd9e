import { sql, type Expression, type QueryCreator, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { Database } from "../database/database.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import { parameter, PreparedQueriesBySize } from "../database/prepared-query.js";
import type { DequeueResult } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import { batchSizeSchema, MAX_CLAIM_LIMIT } from "../validation/input-schemas.js";
import type { QueueContext } from "./queue-context.js";
import { recordClaims } from "../telemetry/queue-histograms.js";

/** Claims the next runnable job, or returns null when none is runnable. */
export async function dequeue(ctx: QueueContext): Promise<DequeueResult | null> {
  const [job] = await claimJobs(ctx, 1);
  return job ?? null;
}

export async function dequeueBatch(ctx: QueueContext, limit: number): Promise<DequeueResult[]> {
  parseInput("dequeueBatch", "limit", batchSizeSchema, limit);
  return claimJobs(ctx, limit);
}

/**
 * One statement: WITH claimable AS MATERIALIZED (pick up to `limit` runnable
 * jobs) UPDATE … WHERE id IN (SELECT id FROM claimable) RETURNING the rows.
 *
 * - The pick is a materialized CTE, so it runs exactly once. Written as
 *   `id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`, PostgreSQL may plan a
 *   nested-loop semi-join that re-runs the subquery for every outer row; each
 *   re-run sees the rows already claimed as RUNNING, picks the next ones, and
 *   the statement claims more jobs than `limit` (a bug a test here caught).
 * - Runnable: PENDING and not scheduled for later (nextPollAt null or due).
 * - Order: highest priority, then oldest createdAt, then id (ids are
 *   time-ordered, so jobs created in the same millisecond keep their order).
 * - 'PENDING' is a literal so the planner can prove the optional partial
 *   claim index's condition (migrations/<dialect>/optional/0001_…).
 * - Concurrency comes from the dialect: PostgreSQL adds FOR UPDATE SKIP
 *   LOCKED, so each worker takes rows no other worker holds; a SQLite UPDATE
 *   holds the database's write lock from its first read, so pick and claim are
 *   one atomic step.
 * - No second `status = 'PENDING'` on the UPDATE: it would be redundant (the
 *   picked rows are locked on PostgreSQL, and nothing else writes meanwhile on
 *   SQLite), and it makes SQLite walk every pending row through the claim
 *   index instead of looking the picked ids up by primary key.
 * - Built once per dialect and limit (PreparedQueriesBySize); each call binds
 *   worker and clock. The limit is written in the SQL, like the number of ids
 *   in an IN list, not bound: with `limit $n`, the generic plan PostgreSQL would
 *   cache for the prepared statement cannot know n, costs more than a fresh
 *   plan, and every claim was planned anew (measured: 0.41 instead of 0.58 ms
 *   per one-job claim on one connection).
 * - Errors are thrown: an unreachable database is not an empty queue.
 */
const claimStatements = new PreparedQueriesBySize<Record<string, unknown>>(
  (db, dialect, limit) => claimQuery(db, dialect, limit),
  MAX_CLAIM_LIMIT,
);

/**
 * The claim statement, started from `creator` (the database, or a WITH chain
 * whose CTEs `onlyIf` and `narrow` may read). With `onlyIf`, the pick finds
 * nothing unless it holds: completeAndDequeue claims only after its
 * completion succeeded. `narrow` adds conditions on the candidate rows (the
 * 1.0 claims: the definitions served, the fairness cap).
 */
export function claimQuery(
  creator: QueryCreator<Database>,
  dialect: DialectSupport,
  limit: number,
  onlyIf?: Expression<SqlBool>,
  narrow?: (pick: SelectQueryBuilder<any, any, any>) => SelectQueryBuilder<any, any, any>,
) {
  // Written into the SQL: only ever a validated count, never a caller's text.
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_CLAIM_LIMIT) throw new RangeError(`claim limit ${limit}`);
  const now = dialect.nowFrom(parameter("clock"));
  return creator
    .with(
      (cte) => cte("claimable").materialized(),
      (db) => {
        let pick = db
          .selectFrom("job_queue")
          .select("id")
          .where("status", "=", sql.lit("PENDING"))
          .where((eb) => eb.or([eb("nextPollAt", "is", null), eb("nextPollAt", "<=", now)]));
        if (onlyIf) pick = pick.where(onlyIf);
        if (narrow) pick = narrow(pick) as typeof pick;
        return dialect.lockForClaim(
          pick.orderBy("priority", "desc").orderBy("createdAt", "asc").orderBy("id", "asc").limit(sql.lit(limit)),
        );
      },
    )
    .updateTable("job_queue")
    .set((eb) => ({
      status: dialect.enumValue("Status", "RUNNING"),
      workerId: parameter("workerId"),
      lockedAt: now,
      startedAt: now,
      attempt: eb("attempt", "+", 1),
      updatedAt: now,
    }))
    .where("id", "in", (eb) => eb.selectFrom("claimable").select("claimable.id"))
    .returning(["id", "workflowRunId", "stageId", "priority", "attempt", "maxAttempts", dialect.selectJson("payload") as "payload", "createdAt", "startedAt"]);
}

/** The values every claim statement binds besides its own. */
export const claimValues = (ctx: QueueContext) => ({
  workerId: ctx.workerId,
  clock: ctx.dialect.clockValue(),
});

export async function claimJobs(ctx: QueueContext, limit: number): Promise<DequeueResult[]> {
  const { rows } = await claimStatements.forSize(limit)!.execute(ctx, claimValues(ctx));
  return toClaimedJobs(ctx, rows);
}

/** Rows a claim statement returned, as jobs in claim order. */
export function toClaimedJobs({ dialect, contract }: QueueContext, rows: Record<string, unknown>[]): DequeueResult[] {
  const toJob = (row: Record<string, unknown>): DequeueResult => ({
    jobId: String(row.id),
    workflowRunId: String(row.workflowRunId),
    stageId: String(row.stageId),
    priority: Number(row.priority),
    attempt: Number(row.attempt),
    maxAttempts: Number(row.maxAttempts),
    // 0.12 adds workflowId, kept in the payload; 1.0 the claim's startedAt.
    ...contract.jobFields(row.payload == null ? null : dialect.readJson(row.payload)),
    ...contract.claimedJobFields(row, dialect),
  });
  recordClaims(dialect, rows);
  if (rows.length <= 1) return rows.map(toJob);
  // RETURNING promises no order; hand the jobs out in claim order.
  const claimed = rows.map((row) => ({ job: toJob(row), createdAt: dialect.readDate(row.createdAt).getTime() }));
  claimed.sort(
    (a, b) => b.job.priority - a.job.priority || a.createdAt - b.createdAt || (a.job.jobId < b.job.jobId ? -1 : 1),
  );
  return claimed.map((entry) => entry.job);
}
