import { sql, type QueryCreator } from "kysely";
import type { Database } from "../database/database.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import { JobLeaseLostError, NotFoundError } from "../errors.js";
import { parameter, PreparedQueriesBySize } from "../database/prepared-query.js";
import { parseInput } from "../validation/parse-input.js";
import { dateSchema, errorMessageSchema, idSchema, jobIdsSchema, shouldRetrySchema } from "../validation/input-schemas.js";
import type { QueueContext } from "./queue-context.js";
import { acknowledgeSuspended } from "./unheld-jobs.js";
import { completeAllOrNone } from "./complete-all-or-none.js";
import { isRunning } from "./is-running.js";
import { inWriteTransaction } from "../database/query-context.js";

// Acknowledgements (complete, suspend, fail, heartbeat) are fenced: each
// UPDATE only touches a job that is RUNNING under this worker. A worker whose
// lock was released as stale, and whose job another worker has claimed since,
// cannot overwrite that worker's result; it gets a JobLeaseLostError instead.

function heldByThisWorker(ctx: QueueContext) {
  return ctx.db.updateTable("job_queue").where(isRunning).where("workerId", "=", ctx.workerId);
}

export async function complete(ctx: QueueContext, jobId: string): Promise<void> {
  parseInput("complete", "jobId", idSchema, jobId);
  await completeIds(ctx, [jobId], "complete");
}

/**
 * UPDATE … SET COMPLETED for `size` ids held by this worker, started from
 * `creator` (the database, or a WITH chain); binds workerId, clock and one id per row.
 */
export function completeQuery(creator: QueryCreator<Database>, dialect: DialectSupport, size: number) {
  const now = dialect.nowFrom(parameter("clock"));
  return creator
    .updateTable("job_queue")
    .set({ status: dialect.enumValue("Status", "COMPLETED"), completedAt: now, lockedAt: null, updatedAt: now })
    .where(isRunning)
    .where("workerId", "=", parameter("workerId"))
    .where("id", "in", Array.from({ length: size }, (_, i) => parameter("id", i)));
}

/** Built once per dialect and size. */
const completeStatements = new PreparedQueriesBySize<never>(completeQuery, 100);

/**
 * COMPLETED with completedAt; completing a job this worker already completed
 * is a no-op. All or none: when one of the jobs is not this worker's to
 * complete, the JobLeaseLostError (or NotFoundError) leaves every job as it
 * was, also inside a caller's transaction. The common case (every job still
 * this worker's) is one statement (complete-all-or-none.ts); the rest is
 * sorted out in a transaction (a savepoint inside a caller's).
 */
export async function completeMany(ctx: QueueContext, jobIds: string[]): Promise<void> {
  parseInput("completeMany", "jobIds", jobIdsSchema, jobIds);
  const ids = [...new Set(jobIds)];
  if (ids.length <= 1) return completeIds(ctx, ids, "completeMany");
  if (await completeAllOrNone(ctx, ids)) return;
  await inWriteTransaction(ctx, (tx) => completeIds(tx as QueueContext, ids, "completeMany"));
}

export async function completeIds(ctx: QueueContext, ids: string[], operation: string): Promise<void> {
  if (ids.length === 0) return;
  let updated: bigint | undefined;
  const prepared = completeStatements.forSize(ids.length);
  if (prepared) {
    const values = { workerId: ctx.workerId, clock: ctx.dialect.clockValue() };
    updated = (await prepared.execute(ctx, values, ids.map((id) => ({ id })))).numAffectedRows;
  } else {
    const result = await heldByThisWorker(ctx).set(completedSet(ctx.dialect)).where("id", "in", ids).executeTakeFirst();
    updated = result.numUpdatedRows;
  }
  if (Number(updated ?? 0) === ids.length) return;
  const unheld = await acknowledgeSuspended(ctx, ids, completedSet(ctx.dialect));
  await explainUnacknowledged(ctx, operation, ids.filter((id) => !unheld.has(id)), "COMPLETED");
}

/** SUSPENDED until `nextPollAt`; the lock is released. */
export async function suspend(ctx: QueueContext, jobId: string, nextPollAt: Date): Promise<void> {
  parseInput("suspend", "jobId", idSchema, jobId);
  parseInput("suspend", "nextPollAt", dateSchema, nextPollAt);
  const result = await heldByThisWorker(ctx).set(suspendedSet(ctx.dialect, nextPollAt)).where("id", "=", jobId).executeTakeFirst();
  if (result.numUpdatedRows === 0n) await explainUnacknowledged(ctx, "suspend", [jobId]);
}

/** What suspend writes: SUSPENDED until `nextPollAt`, nobody's. */
export function suspendedSet(dialect: DialectSupport, nextPollAt: Date): Record<string, unknown> {
  return {
    status: dialect.enumValue("Status", "SUSPENDED"),
    nextPollAt: dialect.date(nextPollAt),
    workerId: null,
    lockedAt: null,
    updatedAt: dialect.now(),
  };
}

/** What complete writes. */
export function completedSet(dialect: DialectSupport): Record<string, unknown> {
  const now = dialect.now();
  return { status: dialect.enumValue("Status", "COMPLETED"), completedAt: now, lockedAt: null, updatedAt: now };
}

/** SUSPENDED → PENDING, due now; true for the one caller whose UPDATE changed the row. */
export async function resume(ctx: QueueContext, jobId: string): Promise<boolean> {
  parseInput("resume", "jobId", idSchema, jobId);
  const { dialect } = ctx;
  const result = await ctx.db
    .updateTable("job_queue")
    .set({ status: dialect.enumValue("Status", "PENDING"), nextPollAt: null, updatedAt: dialect.now() })
    .where("id", "=", jobId)
    .where("status", "=", dialect.enumValue("Status", "SUSPENDED"))
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) return true;
  await requireJobs(ctx, "resume", [jobId]);
  return false;
}

/**
 * One statement decides between retry and failure from the row itself, so no
 * other worker can act between a read and a write. With `shouldRetry` and
 * attempts left: PENDING again, not before now + 2^attempt seconds (capped at
 * 2^20), lock cleared. Otherwise: FAILED with completedAt.
 */
export async function fail(ctx: QueueContext, jobId: string, error: string, shouldRetry = false): Promise<void> {
  parseInput("fail", "jobId", idSchema, jobId);
  parseInput("fail", "error", errorMessageSchema, error);
  parseInput("fail", "shouldRetry", shouldRetrySchema, shouldRetry);
  const set = failedSet(ctx.dialect, error, shouldRetry);
  const result = await heldByThisWorker(ctx).set(set).where("id", "=", jobId).executeTakeFirst();
  if (result.numUpdatedRows > 0n) return;
  if ((await acknowledgeSuspended(ctx, [jobId], set)).size > 0) return;
  await explainUnacknowledged(ctx, "fail", [jobId]);
}

/**
 * What fail writes, deciding in the statement: with `shouldRetry` and
 * attempts left, PENDING again after 2^attempt seconds (exponent capped at
 * 20), lock cleared; otherwise FAILED with completedAt.
 */
export function failedSet(dialect: DialectSupport, error: string, shouldRetry: boolean): Record<string, unknown> {
  const now = dialect.now();
  const retry = shouldRetry ? sql<boolean>`"attempt" < "maxAttempts"` : sql<boolean>`1 = 0`;
  const backoffSeconds = sql<number>`(1 << (case when "attempt" > 20 then 20 else "attempt" end))`;
  return {
    status: sql`case when ${retry} then ${dialect.enumValue("Status", "PENDING")} else ${dialect.enumValue("Status", "FAILED")} end`,
    lastError: error,
    workerId: sql`case when ${retry} then null else "workerId" end`,
    lockedAt: null,
    nextPollAt: sql`case when ${retry} then ${dialect.plusSeconds(now, backoffSeconds)} else "nextPollAt" end`,
    completedAt: sql`case when ${retry} then null else ${now} end`,
    updatedAt: now,
  };
}

/** Renews lockedAt so releaseStaleJobs leaves a long job alone; false when this worker lost it. */
export async function heartbeat(ctx: QueueContext, jobId: string): Promise<boolean> {
  parseInput("heartbeat", "jobId", idSchema, jobId);
  const now = ctx.dialect.now();
  const result = await heldByThisWorker(ctx).set({ lockedAt: now, updatedAt: now }).where("id", "=", jobId).executeTakeFirst();
  if (result.numUpdatedRows > 0n) return true;
  await requireJobs(ctx, "heartbeat", [jobId]);
  return false;
}

/**
 * Called when an acknowledgement updated fewer rows than asked: a missing job
 * is a NotFoundError, one held elsewhere (or finished) a JobLeaseLostError.
 * Jobs this worker already left in `alreadyDoneAs` count as acknowledged.
 */
export async function explainUnacknowledged(
  ctx: QueueContext,
  operation: string,
  jobIds: string[],
  alreadyDoneAs?: "COMPLETED",
): Promise<void> {
  if (jobIds.length === 0) return;
  const rows = await requireJobs(ctx, operation, jobIds);
  for (const row of rows) {
    const status = String(row.status);
    const workerId = row.workerId == null ? null : String(row.workerId);
    const acknowledged = status === alreadyDoneAs && workerId === ctx.workerId;
    const stillOurs = status === "RUNNING" && workerId === ctx.workerId;
    if (!acknowledged && !stillOurs) throw new JobLeaseLostError(operation, String(row.id), ctx.workerId, status, workerId);
  }
}

async function requireJobs(ctx: QueueContext, operation: string, jobIds: string[]) {
  const rows = await ctx.db.selectFrom("job_queue").select(["id", "status", "workerId"]).where("id", "in", jobIds).execute();
  const found = new Set(rows.map((row) => String(row.id)));
  const missing = jobIds.find((id) => !found.has(id));
  if (missing !== undefined) throw new NotFoundError(operation, "job", missing);
  return rows;
}
