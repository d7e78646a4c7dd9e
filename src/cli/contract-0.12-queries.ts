import { sql } from "kysely";
import { db012 } from "../contracts/tables-0.12.js";
import type { QueryContext } from "../database/query-context.js";

// What the command-line tool shows of the tables only the 0.12 contract has.

export interface OutboxBacklog {
  unpublished: number;
  deadLettered: number;
  oldestUnpublishedAt: Date | null;
}

/** Events waiting for a publisher, events given up on, and how long the oldest has waited. */
export async function outboxBacklog(ctx: QueryContext): Promise<OutboxBacklog> {
  const { dialect } = ctx;
  const row = await db012(ctx)
    .selectFrom("outbox_events")
    .select([
      sql<number>`sum(case when ${sql.ref("publishedAt")} is null and ${sql.ref("dlqAt")} is null then 1 else 0 end)`.as("unpublished"),
      sql<number>`sum(case when ${sql.ref("dlqAt")} is not null then 1 else 0 end)`.as("deadLettered"),
      sql<unknown>`min(case when ${sql.ref("publishedAt")} is null and ${sql.ref("dlqAt")} is null then ${sql.ref("occurredAt")} end)`.as("oldest"),
    ])
    .executeTakeFirst();
  return {
    unpublished: Number(row?.unpublished ?? 0),
    deadLettered: Number(row?.deadLettered ?? 0),
    oldestUnpublishedAt: row?.oldest == null ? null : dialect.readDate(row.oldest),
  };
}

export interface IdempotencySummary {
  completed: number;
  inProgress: number;
  /** In progress for longer than `staleAfterMs` by the database's clock: a dispatcher probably died. */
  staleInProgress: number;
}

export async function idempotencySummary(ctx: QueryContext, staleAfterMs: number): Promise<IdempotencySummary> {
  const { dialect } = ctx;
  const inProgress = sql<boolean>`${dialect.jsonTextField("result", "__workflowEngineState")} = ${sql.lit("in_progress")}`;
  const cutoff = dialect.plusSeconds(dialect.now(), -staleAfterMs / 1000);
  const row = await db012(ctx)
    .selectFrom("idempotency_keys")
    .select([
      sql<number>`count(*)`.as("total"),
      sql<number>`sum(case when ${inProgress} then 1 else 0 end)`.as("inProgress"),
      sql<number>`sum(case when ${inProgress} and ${sql.ref("createdAt")} < ${cutoff} then 1 else 0 end)`.as("stale"),
    ])
    .executeTakeFirst();
  const total = Number(row?.total ?? 0);
  const running = Number(row?.inProgress ?? 0);
  return { completed: total - running, inProgress: running, staleInProgress: Number(row?.stale ?? 0) };
}
