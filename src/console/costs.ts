import { sql } from "kysely";
import { parseInput } from "../validation/parse-input.js";
import { costQuerySchema } from "../validation/console-schemas.js";
import type { ConsoleReader } from "./console-rows.js";
import { mergeBuckets, splitAtMidnights, totalsRows, type SplitRange } from "./console-totals.js";
import type { CostBucket, CostQuery } from "./console-types.js";

type By = CostQuery["by"];

/**
 * Runs, cost and tokens (the runs' own totals) by workflow or by UTC day of
 * creation, for runs created in [from, to): the largest cost first by
 * workflow (then the key), the latest day first by day. Where the database
 * keeps the per-day totals (optional migration console_totals), the whole
 * days of the range are read from them and only the hours at either end
 * from the runs.
 */
export async function getCosts(r: ConsoleReader, query: CostQuery): Promise<CostBucket[]> {
  const parsed = parseInput("getCosts", "query", costQuerySchema, query);
  const { by } = parsed;
  if (!r.totals) return sorted(by, await fromRuns(r, by, parsed.from, parsed.to));
  const split = splitAtMidnights(parsed.from, parsed.to);
  const parts: CostBucket[][] = [];
  for (const edge of split.edges) parts.push(await fromRuns(r, by, edge.from, edge.to));
  if (split.days) parts.push(await fromTotals(r, by, r.totals.runs, split.days));
  const merged = mergeBuckets(parts, (into, more) => {
    into.runs += more.runs;
    into.cost += more.cost;
    into.tokens += more.tokens;
  });
  return sorted(by, merged.filter((bucket) => bucket.runs !== 0));
}

async function fromRuns(r: ConsoleReader, by: By, from: Date | undefined, to: Date | undefined): Promise<CostBucket[]> {
  const group = by === "workflow" ? sql`${sql.ref("workflowId")}` : r.dialect.dayOf("createdAt");
  const key = by === "workflow" ? sql<string>`${group}` : r.dialect.dayText(group);
  let select = r.db
    .selectFrom("workflow_runs")
    .select([
      key.as("key"),
      sql<number | string>`count(*)`.as("runs"),
      sql<number | string>`coalesce(sum(${sql.ref("totalCost")}), 0)`.as("cost"),
      sql<number | string>`coalesce(sum(${sql.ref("totalTokens")}), 0)`.as("tokens"),
    ])
    .groupBy(group);
  if (from !== undefined) select = select.where("createdAt", ">=", r.dialect.date(from));
  if (to !== undefined) select = select.where("createdAt", "<", r.dialect.date(to));
  return bucketsOf(await select.execute());
}

async function fromTotals(r: ConsoleReader, by: By, tables: readonly string[], days: NonNullable<SplitRange["days"]>): Promise<CostBucket[]> {
  const key = by === "workflow" ? "workflowId" : "day";
  const rows = await r.db
    .selectFrom(totalsRows(tables, [key, "runs", "cost", "tokens"], days).as("t"))
    .select([
      sql<string>`${sql.ref(key)}`.as("key"),
      sql<number | string>`sum(${sql.ref("runs")})`.as("runs"),
      sql<number | string>`sum(${sql.ref("cost")})`.as("cost"),
      sql<number | string>`sum(${sql.ref("tokens")})`.as("tokens"),
    ])
    .groupBy(sql.ref(key))
    .execute();
  return bucketsOf(rows);
}

const bucketsOf = (rows: readonly any[]): CostBucket[] => rows.map((row) => ({ key: String(row.key), runs: Number(row.runs), cost: Number(row.cost), tokens: Number(row.tokens) }));

const byKey = (a: CostBucket, b: CostBucket) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function sorted(by: By, buckets: CostBucket[]): CostBucket[] {
  return by === "workflow" ? buckets.sort((a, b) => b.cost - a.cost || byKey(a, b)) : buckets.sort((a, b) => byKey(b, a));
}
