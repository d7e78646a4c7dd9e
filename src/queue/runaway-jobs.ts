import { LEASE_ABSOLUTE_CAP } from "../contracts/lease-tiers.js";
import { absoluteTimeoutSchema } from "../validation/input-schemas-1.0.js";
import { parseInput } from "../validation/parse-input.js";
import { isRunning } from "./is-running.js";
import type { QueueContext } from "./queue-context.js";

/**
 * The absolute lease tier (1.0): every RUNNING job claimed more than
 * `absoluteTimeoutMs` ago (startedAt, stamped by the claim and never renewed,
 * by the database's clock) becomes FAILED with a LEASE_ABSOLUTE_CAP
 * lastError, heartbeating or not: a worker alive but wedged keeps renewing
 * lockedAt, which defeats the heartbeat tier. Terminal, not requeued: a job
 * that hung for the whole cap would hang again. One statement; returns how many.
 */
export async function expireRunawayJobs(ctx: QueueContext, absoluteTimeoutMs: number): Promise<number> {
  parseInput("expireRunawayJobs", "absoluteTimeoutMs", absoluteTimeoutSchema, absoluteTimeoutMs);
  const { dialect } = ctx;
  const now = dialect.now();
  const result = await ctx.db
    .updateTable("job_queue")
    .set({
      status: dialect.enumValue("Status", "FAILED"),
      lastError: `${LEASE_ABSOLUTE_CAP}: held its lease for more than ${absoluteTimeoutMs} ms (claimed and never finished); failed, not requeued`,
      completedAt: now,
      lockedAt: null,
      updatedAt: now,
    })
    .where(isRunning)
    .where("startedAt", "<", dialect.plusSeconds(now, -absoluteTimeoutMs / 1000))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
