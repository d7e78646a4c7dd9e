import { sql } from "kysely";
import { db012 } from "../contracts/tables-0.12.js";
import { NotFoundError } from "../errors.js";
import type { QueryContext } from "../database/query-context.js";
import { idSchema } from "../validation/input-schemas.js";
import { replayLimitSchema } from "../validation/input-schemas-0.12.js";
import { parseInput } from "../validation/parse-input.js";

// The outbox's dead-letter queue: events a publisher gave up on carry dlqAt,
// which keeps them out of getUnpublishedOutboxEvents until they are replayed.

/** retryCount + 1, in the statement (two failing publishers count twice); returns the new count. */
export async function incrementOutboxRetryCount(ctx: QueryContext, id: string): Promise<number> {
  parseInput("incrementOutboxRetryCount", "id", idSchema, id);
  const row = await db012(ctx)
    .updateTable("outbox_events")
    .set({ retryCount: sql`${sql.ref("retryCount")} + 1` })
    .where("id", "=", id)
    .returning("retryCount")
    .executeTakeFirst();
  if (!row) throw new NotFoundError("incrementOutboxRetryCount", "outbox event", id);
  return Number(row.retryCount);
}

export async function moveOutboxEventToDLQ(ctx: QueryContext, id: string): Promise<void> {
  parseInput("moveOutboxEventToDLQ", "id", idSchema, id);
  const { numUpdatedRows } = await db012(ctx)
    .updateTable("outbox_events")
    .set({ dlqAt: ctx.dialect.now() })
    .where("id", "=", id)
    .executeTakeFirst();
  if (numUpdatedRows === 0n) throw new NotFoundError("moveOutboxEventToDLQ", "outbox event", id);
}

/**
 * Up to `maxEvents` dead-lettered events, those dead longest first, back in
 * the unpublished list with retryCount 0. One statement; returns how many.
 */
export async function replayDLQEvents(ctx: QueryContext, maxEvents: number): Promise<number> {
  parseInput("replayDLQEvents", "maxEvents", replayLimitSchema, maxEvents);
  if (maxEvents === 0) return 0;
  const db = db012(ctx);
  const { numUpdatedRows } = await db
    .updateTable("outbox_events")
    .set({ dlqAt: null, retryCount: 0 })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("outbox_events as dead")
        .select("dead.id")
        .where("dead.dlqAt", "is not", null)
        .orderBy("dead.dlqAt", "asc")
        .orderBy("dead.id", "asc")
        .limit(sql.lit(maxEvents)),
    )
    .executeTakeFirst();
  return Number(numUpdatedRows);
}
