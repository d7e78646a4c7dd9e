import { sql } from "kysely";
import { parseInput } from "../validation/parse-input.js";
import { costQuerySchema } from "../validation/console-schemas.js";
import type { ConsoleReader } from "./console-rows.js";
import type { CostBucket, CostQuery } from "./console-types.js";

/**
 * Runs, cost and tokens (the runs' own totals) by workflow or by UTC day of
 * creation, for runs created in [from, to): the largest cost first by
 * workflow, the latest day first by day.
 */
export async function getCosts(r: ConsoleReader, query: CostQuery): Promise<CostBucket[]> {
  const parsed = parseInput("getCosts", "query", costQuerySchema, query);
  const byWorkflow = parsed.by === "workflow";
  const group = byWorkflow ? sql`${sql.ref("workflowId")}` : r.dialect.dayOf("createdAt");
  const key = byWorkflow ? sql<string>`${group}` : r.dialect.dayText(group);
  let select = r.db
    .selectFrom("workflow_runs")
    .select([
      key.as("key"),
      sql<number | string>`count(*)`.as("runs"),
      sql<number | string>`coalesce(sum(${sql.ref("totalCost")}), 0)`.as("cost"),
      sql<number | string>`coalesce(sum(${sql.ref("totalTokens")}), 0)`.as("tokens"),
    ])
    .groupBy(group);
  if (parsed.from !== undefined) select = select.where("createdAt", ">=", r.dialect.date(parsed.from));
  if (parsed.to !== undefined) select = select.where("createdAt", "<", r.dialect.date(parsed.to));
  select = byWorkflow ? select.orderBy(sql`sum(${sql.ref("totalCost")})`, "desc").orderBy(group) : select.orderBy(group, "desc");
  const rows = await select.execute();
  return (rows as any[]).map((row) => ({ key: String(row.key), runs: Number(row.runs), cost: Number(row.cost), tokens: Number(row.tokens) }));
}
