import { parseInput } from "../validation/parse-input.js";
import { modelCostQuerySchema } from "../validation/console-schemas.js";
import type { ConsoleReader } from "./console-rows.js";
import { sql } from "kysely";
import { mergeBuckets, splitAtMidnights, totalsRows, type SplitRange } from "./console-totals.js";

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
 * The AI-call ledger by model (the largest cost first, then the name): for
 * one run through its topic prefix (a range on the topic index), or for a
 * time range. Where the database keeps the per-day totals (optional
 * migration console_totals), a time range's whole days are read from them
 * and only the hours at either end from the calls.
 */
export async function getModelCosts(r: ConsoleReader, query: ModelCostQuery = {}): Promise<ModelCost[]> {
  const parsed = parseInput("getModelCosts", "query", modelCostQuerySchema, query);
  if (!r.totals || parsed.runId !== undefined) return sorted(await fromCalls(r, parsed));
  const split = splitAtMidnights(parsed.from, parsed.to);
  const parts: Keyed[][] = [];
  for (const edge of split.edges) parts.push(keyed(await fromCalls(r, edge)));
  if (split.days) parts.push(keyed(await fromTotals(r, r.totals.aiCalls, split.days)));
  const merged = mergeBuckets(parts, (into, more) => {
    into.calls += more.calls;
    into.inputTokens += more.inputTokens;
    into.outputTokens += more.outputTokens;
    into.cost += more.cost;
  });
  return sorted(merged.filter((model) => model.calls !== 0).map(({ key: _key, ...model }) => model));
}

type Keyed = ModelCost & { key: string };
const keyed = (models: ModelCost[]): Keyed[] => models.map((model) => ({ ...model, key: model.modelKey }));

async function fromCalls(r: ConsoleReader, range: ModelCostQuery): Promise<ModelCost[]> {
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
  if (range.runId !== undefined) select = select.where(r.dialect.startsWith("topic", `workflow.${range.runId}.`));
  if (range.from !== undefined) select = select.where("createdAt", ">=", r.dialect.date(range.from));
  if (range.to !== undefined) select = select.where("createdAt", "<", r.dialect.date(range.to));
  return modelsOf(await select.execute());
}

async function fromTotals(r: ConsoleReader, tables: readonly string[], days: NonNullable<SplitRange["days"]>): Promise<ModelCost[]> {
  const rows = await r.db
    .selectFrom(totalsRows(tables, ["modelKey", "calls", "inputTokens", "outputTokens", "cost"], days).as("t"))
    .select([
      sql<string>`${sql.ref("modelKey")}`.as("modelKey"),
      sql<number | string>`sum(${sql.ref("calls")})`.as("calls"),
      sql<number | string>`sum(${sql.ref("inputTokens")})`.as("inputTokens"),
      sql<number | string>`sum(${sql.ref("outputTokens")})`.as("outputTokens"),
      sql<number | string>`sum(${sql.ref("cost")})`.as("cost"),
    ])
    .groupBy(sql.ref("modelKey"))
    .execute();
  return modelsOf(rows);
}

const modelsOf = (rows: readonly any[]): ModelCost[] =>
  rows.map((row) => ({
    modelKey: String(row.modelKey),
    calls: Number(row.calls),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    cost: Number(row.cost),
  }));

const sorted = (models: ModelCost[]): ModelCost[] => models.sort((a, b) => b.cost - a.cost || (a.modelKey < b.modelKey ? -1 : a.modelKey > b.modelKey ? 1 : 0));
