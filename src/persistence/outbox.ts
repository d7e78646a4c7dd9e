import { sql, type Expression } from "kysely";
import { db012 } from "../contracts/tables-0.12.js";
import { NotFoundError } from "../errors.js";
import { inWriteTransaction, type QueryContext } from "../database/query-context.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { CreateOutboxEventInput, OutboxRecord } from "../interfaces/0.12/types.js";
import { outboxIdsSchema } from "../validation/input-schemas-0.12.js";
import { createOutboxEventsSchema, outboxLimitSchema } from "../validation/input-schemas-0.12.js";
import { parseInput } from "../validation/parse-input.js";

const DEFAULT_UNPUBLISHED_LIMIT = 100;
const ROWS_PER_INSERT = 1_000;

/**
 * Each run's events get the sequence numbers after the run's highest, in
 * input order. Gap-free and unique under concurrency without catching a
 * unique violation (on PostgreSQL that would abort the caller's transaction):
 *
 * - In one write transaction (or the caller's): for each run, in sorted order
 *   so two appenders never wait on each other crosswise, writers for that run
 *   take turns (`serializeWriters`: a transaction-level advisory lock on
 *   PostgreSQL, held until the caller's transaction ends; SQLite's write
 *   transaction already excludes other writers).
 * - Then one INSERT whose rows compute `max(sequence) + i` in the statement
 *   itself: under READ COMMITTED the statement's snapshot is taken after the
 *   lock was granted, so it sees the previous holder's committed rows.
 *
 * Run ids need not exist: the outbox has no foreign keys.
 */
export async function appendOutboxEvents(ctx: QueryContext, events: CreateOutboxEventInput[]): Promise<void> {
  const parsed = parseInput("appendOutboxEvents", "events", createOutboxEventsSchema, events);
  if (parsed.length === 0) return;
  const byRun = new Map<string, typeof parsed>();
  for (const event of parsed) {
    const list = byRun.get(event.workflowRunId);
    if (list) list.push(event);
    else byRun.set(event.workflowRunId, [event]);
  }
  const runIds = [...byRun.keys()].sort();
  // One run, one INSERT: where a statement already runs alone (SQLite), no transaction is needed around it.
  if (runIds.length === 1 && parsed.length <= ROWS_PER_INSERT && ctx.dialect.statementsRunAlone) {
    await insertAfterHighest(ctx, runIds[0]!, parsed);
    return;
  }
  await inWriteTransaction(ctx, async (tx) => {
    for (const runId of runIds) {
      await tx.dialect.serializeWriters(tx.db, "kwp outbox", runId);
      const runEvents = byRun.get(runId)!;
      for (let start = 0; start < runEvents.length; start += ROWS_PER_INSERT) {
        await insertAfterHighest(tx, runId, runEvents.slice(start, start + ROWS_PER_INSERT));
      }
    }
  });
}

async function insertAfterHighest(
  ctx: QueryContext,
  workflowRunId: string,
  events: Array<{ eventType: string; payload: string; causationId: string; occurredAt: Date }>,
): Promise<void> {
  const { dialect } = ctx;
  const db = db012(ctx);
  const highest = db
    .selectFrom("outbox_events")
    .select(sql<number>`coalesce(max(${sql.ref("sequence")}), 0)`.as("highest"))
    .where("workflowRunId", "=", workflowRunId);
  const now = dialect.now();
  await db
    .insertInto("outbox_events")
    .values(
      events.map((event, i) => ({
        id: ctx.newId(),
        createdAt: now,
        workflowRunId,
        sequence: sql<number>`(${highest}) + ${sql.lit(i + 1)}`,
        eventType: event.eventType,
        payload: dialect.json(event.payload),
        causationId: event.causationId,
        occurredAt: dialect.date(event.occurredAt),
      })),
    )
    .execute();
}

/** Unpublished events that are not dead-lettered, by run then sequence. */
export async function getUnpublishedOutboxEvents(ctx: QueryContext, limit?: number): Promise<OutboxRecord[]> {
  const take = limit === undefined ? DEFAULT_UNPUBLISHED_LIMIT : parseInput("getUnpublishedOutboxEvents", "limit", outboxLimitSchema, limit);
  const rows = await outboxRecords(ctx)
    .where("publishedAt", "is", null)
    .where("dlqAt", "is", null)
    .orderBy("workflowRunId", "asc")
    .orderBy("sequence", "asc")
    .limit(sql.lit(take))
    .execute();
  return rows.map((row) => toOutboxRecord(row as Record<string, unknown>, ctx.dialect));
}

/**
 * publishedAt = now on every event named, or, when one of them does not
 * exist, on none (a NotFoundError names it).
 */
export async function markOutboxEventsPublished(ctx: QueryContext, ids: string[]): Promise<void> {
  await setPublishedAt(ctx, "markOutboxEventsPublished", ids, ctx.dialect.now());
}

/**
 * Sets publishedAt on every event named (now, or null to hand claimed events
 * back), or, when one of them does not exist, on none. One statement, no
 * transaction: its WHERE also requires that all of them exist.
 */
export async function setPublishedAt(ctx: QueryContext, operation: string, ids: string[], publishedAt: Expression<any> | null): Promise<void> {
  parseInput(operation, "ids", outboxIdsSchema, ids);
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const db = db012(ctx);
  const named = () => ctx.dialect.valueList(unique);
  const { numUpdatedRows } = await db
    .updateTable("outbox_events")
    .set({ publishedAt })
    .where("id", "in", named())
    .where((eb) =>
      eb(eb.selectFrom("outbox_events as named").select(eb.fn.countAll<number>().as("n")).where("named.id", "in", named()), "=", unique.length),
    )
    .executeTakeFirst();
  if (Number(numUpdatedRows) > 0) return;
  const found = await db.selectFrom("outbox_events").select("id").where("id", "in", named()).execute();
  const present = new Set(found.map((row) => String(row.id)));
  throw new NotFoundError(operation, "outbox event", unique.find((id) => !present.has(id))!);
}

export function outboxRecords(ctx: QueryContext) {
  return db012(ctx)
    .selectFrom("outbox_events")
    .select([
      "id", "workflowRunId", "sequence", "eventType", "causationId", "occurredAt", "publishedAt", "retryCount", "dlqAt",
      ctx.dialect.selectJson("payload") as "payload",
    ]);
}

export function toOutboxRecord(row: Record<string, unknown>, dialect: DialectSupport): OutboxRecord {
  const date = (value: unknown) => (value == null ? null : dialect.readDate(value));
  return {
    id: String(row.id),
    workflowRunId: String(row.workflowRunId),
    sequence: Number(row.sequence),
    eventType: String(row.eventType),
    payload: dialect.readJson(row.payload),
    causationId: String(row.causationId),
    occurredAt: dialect.readDate(row.occurredAt),
    publishedAt: date(row.publishedAt),
    retryCount: Number(row.retryCount),
    dlqAt: date(row.dlqAt),
  };
}
