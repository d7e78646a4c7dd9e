import { CompiledQuery, type Kysely } from "kysely";
import type { CapturedStatement } from "../support/capture-statements.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

/**
 * The plan of each statement a read sent, in a few words: PostgreSQL's plan
 * nodes with the index each scans (EXPLAIN, FORMAT JSON), SQLite's EXPLAIN
 * QUERY PLAN lines. The read transaction (begin, set_config, commit) is left out.
 */
export async function describePlans(db: Kysely<any>, databaseType: DatabaseType, statements: readonly CapturedStatement[]): Promise<string> {
  const plans: string[] = [];
  for (const { sql: text, parameters } of statements) {
    if (/set_config/.test(text) || !/^\s*(select|with)\b/i.test(text)) continue;
    if (databaseType === "postgresql") {
      const { rows } = await db.executeQuery<{ "QUERY PLAN": any }>(raw(`explain (format json) ${text}`, parameters));
      plans.push(summarizePostgres(rows[0]!["QUERY PLAN"][0].Plan));
    } else {
      const { rows } = await db.executeQuery<{ detail: string }>(raw(`explain query plan ${text}`, parameters));
      plans.push(rows.map((row) => row.detail.replace(/^(SEARCH|SCAN) /, (m) => m.toLowerCase())).join("; "));
    }
  }
  return plans.join(" | ");
}

/** The statement as the read sent it, its values bound (EXPLAIN plans with them). */
const raw = (text: string, parameters: readonly unknown[]) => CompiledQuery.raw(text, [...parameters]);

function summarizePostgres(plan: any): string {
  const parts: string[] = [];
  const walk = (node: any) => {
    const name = node["Index Name"] ? `${node["Node Type"]} on ${node["Index Name"]}` : node["Relation Name"] ? `${node["Node Type"]} on ${node["Relation Name"]}` : node["Node Type"];
    if (!["Limit", "Result", "Subquery Scan"].includes(node["Node Type"])) parts.push(name);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return parts.join(" → ");
}
