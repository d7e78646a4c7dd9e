import { sql } from "kysely";
import { z } from "zod";
import { prefixSuccessor } from "../database/prefix-successor.js";
import { parseInput } from "../validation/parse-input.js";
import { clampLimit } from "./console-cursor.js";
import { runSummaryColumns, runSummaryOf, type ConsoleReader } from "./console-rows.js";
import type { RunSummary } from "./console-types.js";

const prefixSchema = z.string().min(1, "must not be empty").max(512, "must be at most 512 characters");

/**
 * The runs whose id starts with `prefix` (case-sensitive, taken literally),
 * at most `limit` of them (1–200, 20 by default), in id order, byte by byte:
 * a range on the id compared bytewise, which an index serves and stops
 * reading at the limit (PostgreSQL: the optional `workflow_runs_id_bytewise_idx`;
 * SQLite: the primary key), however many runs match.
 */
export async function findRunsByIdPrefix(r: ConsoleReader, prefix: string, limit = 20): Promise<RunSummary[]> {
  parseInput("findRunsByIdPrefix", "prefix", prefixSchema, prefix);
  const id = r.dialect.bytewise("id");
  const after = prefixSuccessor(prefix);
  let select = r.db.selectFrom("workflow_runs").select(runSummaryColumns(r) as any).where(sql<boolean>`${id} >= ${prefix}`);
  if (after !== undefined) select = select.where(sql<boolean>`${id} < ${after}`);
  const rows = await select.orderBy(id).limit(clampLimit(limit, 20)).execute();
  return rows.map((row) => runSummaryOf(r, row as Record<string, any>));
}
