import { parseInput } from "../validation/parse-input.js";
import { limitSchema } from "../validation/console-schemas.js";
import { clampLimit, MAX_LIMIT } from "./console-cursor.js";
import { dateOrNull, type ConsoleReader } from "./console-rows.js";
import type { DeadLetter } from "./console-types.js";

/** Outbox events moved to the dead letters (dlqAt set; its index), the newest first; none before 0.12. */
export async function listDeadLetters(r: ConsoleReader, limit?: number): Promise<DeadLetter[]> {
  const count = clampLimit(parseInput("listDeadLetters", "limit", limitSchema, limit), MAX_LIMIT);
  if (!r.features.outbox) return [];
  const rows = await r.db
    .selectFrom("outbox_events")
    .select(["id", "workflowRunId", "sequence", "eventType", "retryCount", "occurredAt", "dlqAt"])
    .where("dlqAt", "is not", null)
    .orderBy("dlqAt", "desc")
    .orderBy("id", "desc")
    .limit(count)
    .execute();
  return (rows as any[]).map((row) => ({
    id: row.id,
    workflowRunId: row.workflowRunId,
    sequence: Number(row.sequence),
    eventType: row.eventType,
    retryCount: Number(row.retryCount),
    occurredAt: r.dialect.readDate(row.occurredAt),
    dlqAt: dateOrNull(r, row.dlqAt),
  }));
}
