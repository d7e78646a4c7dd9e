import { sql } from "kysely";
import { ValidationError } from "../errors.js";
import { parseInput } from "../validation/parse-input.js";
import { runAICallsQuerySchema } from "../validation/console-schemas.js";
import { clampLimit, decodeCursor, encodeCursor } from "./console-cursor.js";
import type { ConsoleReader } from "./console-rows.js";

/** One AI call of a run, as the inspector lists it (no prompt or response: they can be large and private). */
export interface RunAICall {
  id: string;
  createdAt: Date;
  /** The stage the topic names (`workflow.<runId>.stage.<stageId>…`), else null. */
  stageId: string | null;
  topic: string;
  callType: string;
  modelKey: string;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

export interface RunAICallsQuery {
  runId: string;
  /** Where the previous page ended (its nextCursor). */
  cursor?: string;
  /** At most this many calls (default 50, at most 200). */
  limit?: number;
}

export interface RunAICallsPage {
  calls: RunAICall[];
  nextCursor: string | null;
}

/**
 * A run's AI calls, oldest first, keyset-paged on (createdAt, id) in the
 * console's cursor format: the run's topic prefix (a range on the topic
 * index), one row past the limit to say whether more follow.
 */
export async function listRunAICalls(r: ConsoleReader, query: RunAICallsQuery): Promise<RunAICallsPage> {
  const parsed = parseInput("listRunAICalls", "query", runAICallsQuerySchema, query);
  const cursor = parsed.cursor === undefined ? undefined : decodeCursor(parsed.cursor);
  if (cursor === null) throw new ValidationError("listRunAICalls", "query.cursor", "is not a cursor this console wrote");
  const limit = clampLimit(parsed.limit);
  const prefix = `workflow.${parsed.runId}.`;
  let select = r.db
    .selectFrom("ai_calls")
    .select(["id", "createdAt", "topic", "callType", "modelKey", "inputTokens", "outputTokens", "cost"])
    .where(r.dialect.startsWith("topic", prefix));
  if (cursor) select = select.where(sql<boolean>`(${sql.ref("createdAt")}, ${sql.ref("id")}) > (${r.dialect.date(cursor.createdAt)}, ${cursor.id})`);
  const rows = (await select.orderBy("createdAt").orderBy("id").limit(limit + 1).execute()) as any[];
  const calls = rows.slice(0, limit).map((row) => {
    const topic = String(row.topic);
    const stage = /^stage\.([^.]+)/.exec(topic.slice(prefix.length));
    return {
      id: String(row.id),
      createdAt: r.dialect.readDate(row.createdAt),
      stageId: stage ? stage[1]! : null,
      topic,
      callType: String(row.callType),
      modelKey: String(row.modelKey),
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      cost: Number(row.cost),
    };
  });
  const last = calls[calls.length - 1];
  return { calls, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
}
