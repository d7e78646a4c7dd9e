import type { QueueContext } from "./queue-context.js";

/**
 * Under the 0.12 contract a SUSPENDED job may be completed or failed from any
 * queue instance: the engine polls suspended stages from whichever process
 * runs the poll, and a suspended job is held by nobody (suspend cleared its
 * worker). RUNNING jobs stay fenced to their worker. Applies `set` to those of
 * `ids` that are SUSPENDED and returns their ids; under 0.1, none.
 */
export async function acknowledgeSuspended(
  ctx: QueueContext,
  ids: readonly string[],
  set: Record<string, unknown>,
): Promise<Set<string>> {
  if (!ctx.contract.acknowledgesSuspendedJobs || ids.length === 0) return new Set();
  const rows = await ctx.db
    .updateTable("job_queue")
    .set(set)
    .where("id", "in", ids)
    .where("status", "=", ctx.dialect.enumValue("Status", "SUSPENDED"))
    .returning("id")
    .execute();
  return new Set(rows.map((row) => String(row.id)));
}
