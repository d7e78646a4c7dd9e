// Runs one getStats contender in a fresh process and prints the time of its
// second run (the first warms the connection and statement caches) and the
// process's peak memory (maxRSS), so contenders cannot share a heap.
// argv: <library|bare-group-by|spec> <url> <prefix>
import { resourceUsage } from "node:process";
import { CompiledQuery } from "kysely";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { captureStatements } from "../support/capture-statements.js";

const [contender, url, prefix] = process.argv.slice(2) as [string, string, string];
const db = openDatabase(url);
let run: () => Promise<unknown>;

if (contender === "library") {
  const logger = createKyselyAICallLogger(db);
  run = () => logger.getStats(prefix);
} else if (contender === "bare-group-by") {
  // The library's own GROUP BY statement, sent as is; rows left as the driver returns them.
  const [statement] = await captureStatements(url, (logged) => createKyselyAICallLogger(logged).getStats(prefix));
  const query = CompiledQuery.raw(statement!.sql, [...statement!.parameters]);
  run = () => db.executeQuery(query);
} else {
  // The spec's approach: load every matching call (all columns, as Prisma's
  // findMany does) and add them up in JavaScript.
  run = async () => {
    const rows = await db.selectFrom("ai_calls").selectAll().where("topic", "like", `${prefix}%`).execute();
    const perModel: Record<string, { calls: number; inputTokens: number; outputTokens: number; cost: number }> = {};
    for (const row of rows) {
      const model = (perModel[row.modelKey] ??= { calls: 0, inputTokens: 0, outputTokens: 0, cost: 0 });
      model.calls++;
      model.inputTokens += row.inputTokens;
      model.outputTokens += row.outputTokens;
      model.cost += row.cost;
    }
    return perModel;
  };
}
await run();
const start = performance.now();
await run();
const ms = performance.now() - start;
await db.destroy();
process.stdout.write(JSON.stringify({ ms, peakRssMb: resourceUsage().maxRSS / 1024 }));
