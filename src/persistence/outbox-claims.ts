import { db012 } from "../contracts/tables-0.12.js";
import type { QueryContext } from "../database/query-context.js";
import type { OutboxRecord } from "../interfaces/0.12/types.js";
import { outboxLimitSchema } from "../validation/input-schemas-0.12.js";
import { parseInput } from "../validation/parse-input.js";
import { setPublishedAt, toOutboxRecord } from "./outbox.js";

const DEFAULT_CLAIM_LIMIT = 100;

/**
 * Claims up to `limit` unpublished, not dead-lettered events by stamping
 * publishedAt, in one statement, as the job claim does: the pick is a
 * materialized CTE (run once), FOR UPDATE SKIP LOCKED on PostgreSQL so
 * concurrent flushers take disjoint events, and on SQLite the UPDATE holds
 * the write lock from its first read. The UPDATE re-checks `publishedAt IS
 * NULL`, so an event is never handed out twice. Returned by run, then
 * sequence (RETURNING promises no order).
 */
export async function claimUnpublishedOutboxEvents(ctx: QueryContext, limit?: number): Promise<OutboxRecord[]> {
  const take = limit === undefined ? DEFAULT_CLAIM_LIMIT : parseInput("claimUnpublishedOutboxEvents", "limit", outboxLimitSchema, limit);
  const { dialect } = ctx;
  const rows = await db012(ctx)
    .with(
      (cte) => cte("claimable").materialized(),
      (db) =>
        dialect.lockForClaim(
          db
            .selectFrom("outbox_events")
            .select("id")
            .where("publishedAt", "is", null)
            .where("dlqAt", "is", null)
            .orderBy("workflowRunId", "asc")
            .orderBy("sequence", "asc")
            .limit(take),
        ),
    )
    .updateTable("outbox_events")
    .set({ publishedAt: dialect.now() })
    .where("id", "in", (eb) => eb.selectFrom("claimable").select("claimable.id"))
    .where("publishedAt", "is", null)
    .returning([
      "id", "workflowRunId", "sequence", "eventType", "causationId", "occurredAt", "publishedAt", "retryCount", "dlqAt",
      dialect.selectJson("payload") as "payload",
    ])
    .execute();
  return rows
    .map((row) => toOutboxRecord(row as Record<string, unknown>, dialect))
    .sort((a, b) => (a.workflowRunId < b.workflowRunId ? -1 : a.workflowRunId > b.workflowRunId ? 1 : a.sequence - b.sequence));
}

/**
 * Clears publishedAt on the named events so a later flush claims them again
 * (their publication failed): all of them, or, when one does not exist, none
 * (NotFoundError).
 */
export async function releaseOutboxEvents(ctx: QueryContext, ids: string[]): Promise<void> {
  await setPublishedAt(ctx, "releaseOutboxEvents", ids, null);
}
