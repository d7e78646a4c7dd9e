import { sql } from "kysely";
import type { JobAckFence, JobAckOutcome } from "../interfaces/1.0/types.js";
import { dateSchema, errorMessageSchema, idSchema, shouldRetrySchema } from "../validation/input-schemas.js";
import { deferReasonSchema, jobAckFenceSchema } from "../validation/input-schemas-1.0.js";
import { parseInput } from "../validation/parse-input.js";
import { complete, completedSet, explainUnacknowledged, fail, failedSet, suspend, suspendedSet } from "./acknowledge-jobs.js";
import { isRunning } from "./is-running.js";
import type { QueueContext } from "./queue-context.js";

// The 1.0 acknowledgements. With a fence (the claim's startedAt and attempt)
// the UPDATE lands only on the RUNNING row of that very claim, whoever holds
// it: a worker whose lease was released and re-claimed meanwhile writes
// nothing and hears "superseded", as it does for a job since deleted or
// replaced. `attempt` goes up with every claim, so the pair names one claim
// even when two fall in the same millisecond. Without a fence they are the
// 0.12 acknowledgements (fenced to this worker; a SUSPENDED job from any
// instance), now answering "acknowledged".

type Fence = { startedAt: Date; attempt: number };

function fencedUpdate(ctx: QueueContext, jobId: string, fence: Fence, set: Record<string, unknown>) {
  return ctx.db
    .updateTable("job_queue")
    .set(set)
    .where("id", "=", jobId)
    .where(isRunning)
    .where("startedAt", "=", ctx.dialect.date(fence.startedAt))
    .where("attempt", "=", fence.attempt)
    .executeTakeFirst();
}

/** What the row reads once this acknowledgement has landed (with the same fence's startedAt). */
interface Landed {
  statuses: readonly string[];
  attempt: number;
  lastError?: string;
}

/**
 * "acknowledged" when the fenced UPDATE wrote. Otherwise, called on its own,
 * one read tells a repeat of this very acknowledgement (it landed before and
 * its reply was lost in a failover: the row shows what it wrote, under the
 * same claim) from a superseded one, so it may be repeated safely. Inside a
 * transaction "superseded" keeps meaning "this wrote nothing": the
 * exactly-once pattern (side effect and acknowledgement in one transaction,
 * rolled back unless acknowledged) re-run after CommitOutcomeUnknownError must
 * roll back when the first run did commit (docs/guarantees.md).
 */
async function outcome(ctx: QueueContext, jobId: string, fence: Fence, landed: Landed, result: Promise<{ numUpdatedRows: bigint }>): Promise<JobAckOutcome> {
  if ((await result).numUpdatedRows > 0n) return "acknowledged";
  if (ctx.inTransaction) return "superseded";
  const row = await ctx.db
    .selectFrom("job_queue")
    .select(["status", "attempt", "lastError"])
    .where("id", "=", jobId)
    .where("startedAt", "=", ctx.dialect.date(fence.startedAt))
    .executeTakeFirst();
  const repeat =
    row !== undefined &&
    landed.statuses.includes(String(row.status)) &&
    Number(row.attempt) === landed.attempt &&
    (landed.lastError === undefined || row.lastError === landed.lastError);
  return repeat ? "acknowledged" : "superseded";
}

export async function completeFenced(ctx: QueueContext, jobId: string, fence?: JobAckFence): Promise<JobAckOutcome> {
  parseInput("complete", "jobId", idSchema, jobId);
  const checked = parseInput("complete", "fence", jobAckFenceSchema, fence);
  if (!checked) return complete(ctx, jobId).then(() => "acknowledged");
  return outcome(ctx, jobId, checked, { statuses: ["COMPLETED"], attempt: checked.attempt }, fencedUpdate(ctx, jobId, checked, completedSet(ctx.dialect)));
}

export async function suspendFenced(ctx: QueueContext, jobId: string, nextPollAt: Date, fence?: JobAckFence): Promise<JobAckOutcome> {
  parseInput("suspend", "jobId", idSchema, jobId);
  parseInput("suspend", "nextPollAt", dateSchema, nextPollAt);
  const checked = parseInput("suspend", "fence", jobAckFenceSchema, fence);
  if (!checked) return suspend(ctx, jobId, nextPollAt).then(() => "acknowledged");
  return outcome(ctx, jobId, checked, { statuses: ["SUSPENDED"], attempt: checked.attempt }, fencedUpdate(ctx, jobId, checked, suspendedSet(ctx.dialect, nextPollAt)));
}

/** `shouldRetry` defaults to false, as the 1.0 contract says (no retry unless asked). */
export async function failFenced(
  ctx: QueueContext,
  jobId: string,
  error: string,
  shouldRetry = false,
  fence?: JobAckFence,
): Promise<JobAckOutcome> {
  parseInput("fail", "jobId", idSchema, jobId);
  parseInput("fail", "error", errorMessageSchema, error);
  parseInput("fail", "shouldRetry", shouldRetrySchema, shouldRetry);
  const checked = parseInput("fail", "fence", jobAckFenceSchema, fence);
  if (!checked) return fail(ctx, jobId, error, shouldRetry).then(() => "acknowledged");
  const landed = { statuses: ["FAILED", "PENDING"], attempt: checked.attempt, lastError: error };
  return outcome(ctx, jobId, checked, landed, fencedUpdate(ctx, jobId, checked, failedSet(ctx.dialect, error, shouldRetry)));
}

/**
 * Back to PENDING, due at `nextPollAt`, giving back the attempt the claim
 * counted: a host declining work (a run pinned to a version it does not
 * serve) must not use up the job's attempts. `reason` is kept as lastError.
 * Without a fence: only a job RUNNING under this worker (JobLeaseLostError or
 * NotFoundError otherwise, nothing written).
 */
export async function defer(ctx: QueueContext, jobId: string, nextPollAt: Date, reason: string, fence?: JobAckFence): Promise<JobAckOutcome> {
  parseInput("defer", "jobId", idSchema, jobId);
  parseInput("defer", "nextPollAt", dateSchema, nextPollAt);
  parseInput("defer", "reason", deferReasonSchema, reason);
  const checked = parseInput("defer", "fence", jobAckFenceSchema, fence);
  const { dialect } = ctx;
  const set: Record<string, unknown> = {
    status: dialect.enumValue("Status", "PENDING"),
    attempt: sql<number>`case when ${sql.ref("attempt")} > 0 then ${sql.ref("attempt")} - 1 else 0 end`,
    nextPollAt: dialect.date(nextPollAt),
    lastError: reason,
    workerId: null,
    lockedAt: null,
    updatedAt: dialect.now(),
  };
  if (checked) {
    const landed = { statuses: ["PENDING"], attempt: Math.max(checked.attempt - 1, 0), lastError: reason };
    return outcome(ctx, jobId, checked, landed, fencedUpdate(ctx, jobId, checked, set));
  }
  const result = await ctx.db
    .updateTable("job_queue")
    .set(set)
    .where("id", "=", jobId)
    .where(isRunning)
    .where("workerId", "=", ctx.workerId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) await explainUnacknowledged(ctx, "defer", [jobId]);
  return "acknowledged";
}
