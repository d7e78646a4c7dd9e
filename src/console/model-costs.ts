import { parseInput } from "../validation/parse-input.js";
import { modelCostQuerySchema } from "../validation/console-schemas.js";
import type { ConsoleReader } from "./console-rows.js";
import { sql } from "kysely";

/** AI calls, tokens and cost of one model. */
export interface ModelCost {
  modelKey: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

export interface ModelCostQuery {
  /** Only one run's calls (topics `workflow.<runId>.…`, the engine's convention). */
  runId?: string;
  /** Calls made at or after. */
  from?: Date;
  /** Calls made before. */
  to?: Date;
}

/**
 * The AI-call ledger by model (the largest cost first): for one run through
 * its topic prefix (a range on the topic index), or for a time range.
 */
export async function getModelCosts(r: ConsoleReader, query: ModelCostQuery = {}): Promise<ModelCost[]> {
  const parsed = parseInput("getModelCosts", "query", modelCostQuerySchema, query);
  let select = r.db
    .selectFrom("ai_calls")
    .select([
      "modelKey",
      sql<number | string>`count(*)`.as("calls"),
      sql<number | string>`coalesce(sum(${sql.ref("inputTokens")}), 0)`.as("inputTokens"),
      sql<number | string>`coalesce(sum(${sql.ref("outputTokens")}), 0)`.as("outputTokens"),
      sql<number | string>`coalesce(sum(${sql.ref("cost")}), 0)`.as("cost"),
    ])
    .groupBy("modelKey");
  if (parsed.runId !== undefined) select = select.where(r.dialect.startsWith("topic", `workflow.${parsed.runId}.`));
  if (parsed.from !== undefined) select = select.where("createdAt", ">=", r.dialect.date(parsed.from));
  if (parsed.to !== undefined) select = select.where("createdAt", "<", r.dialect.date(parsed.to));
  const rows = await select.orderBy(sql`sum(${sql.ref("cost")})`, "desc").orderBy("modelKey").execute();
  return rows.map((row) => ({
    modelKey: String(row.modelKey),
    calls: Number(row.calls),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    cost: Number(row.cost),
  }));
}
