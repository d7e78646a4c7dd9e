// AI-call ledger: logCall throughput against one INSERT per call (the spec's
// way), and getStats against the bare GROUP BY and the spec's load-and-sum, at
// 10k / 100k / 1M rows, on both dialects. `npm run bench:ai-calls`.
import { cpus } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { openDatabase } from "../src/database/open-database.js";
import { createKyselyAICallLogger } from "../src/ai-calls/kysely-ai-call-logger.js";
import { newId } from "../src/database/ids.js";
import type { DatabaseType } from "../src/dialects/dialect-support.js";
import { createBenchDatabase } from "./support/bench-database.js";
import { formatRate, markdownTable, median, timed } from "./support/measure.js";
import { runNode } from "./support/run-node.js";
import { seedAICalls } from "./ai-calls/seed-ai-calls.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SIZES = (process.env.BENCH_AI_ROWS ?? "10000,100000,1000000").split(",").map(Number);
const LOG_CALLS = Number(process.env.BENCH_AI_LOG_CALLS ?? 20_000);
const PREFIX = "workflow.";

const call = (i: number) => ({
  topic: `workflow.run-${i % 100}.stage.${i % 7}`,
  callType: "text",
  modelKey: `model-${i % 8}`,
  modelId: "provider/model",
  prompt: "p".repeat(200),
  response: "r".repeat(200),
  inputTokens: i % 1000,
  outputTokens: i % 300,
  cost: (i % 100) / 1000,
});

async function logCallThroughput(url: string, perCallInsert: boolean): Promise<number> {
  const db = openDatabase(url);
  try {
    await db.deleteFrom("ai_calls").execute();
    const ms = await timed(async () => {
      if (perCallInsert) {
        // The spec's logCall: one fire-and-forget INSERT per call, all awaited at the end.
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < LOG_CALLS; i++) {
          const c = call(i);
          writes.push(db.insertInto("ai_calls").values({ id: newId(), ...c, metadata: null, createdAt: new Date().toISOString() }).execute());
        }
        await Promise.all(writes);
      } else {
        const logger = createKyselyAICallLogger(db);
        for (let i = 0; i < LOG_CALLS; i++) logger.logCall(call(i));
        await logger.close();
      }
    });
    const { rows } = await sql<{ n: string | number }>`select count(*) as n from ai_calls`.execute(db);
    if (Number(rows[0]!.n) !== LOG_CALLS) throw new Error(`only ${rows[0]!.n} of ${LOG_CALLS} calls reached the database`);
    return (LOG_CALLS / ms) * 1000;
  } finally {
    await db.destroy();
  }
}

async function statsRun(contender: string, url: string) {
  const result = await runNode(["--import", "tsx", join(import.meta.dirname, "ai-calls/stats-process.ts"), contender, url, PREFIX]);
  if (result.code !== 0) throw new Error(`${contender} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { ms: number; peakRssMb: number };
}

async function main() {
  const logRows: Array<Array<string | number>> = [];
  const statsRows: Array<Array<string | number>> = [];
  const dialects = (process.env.BENCH_DIALECTS ?? "postgresql,sqlite").split(",") as DatabaseType[];
  for (const databaseType of dialects) {
    const database = await createBenchDatabase(databaseType);
    try {
      const rates = { library: [] as number[], perCall: [] as number[] };
      for (let i = 0; i < REPEATS; i++) {
        rates.library.push(await logCallThroughput(database.url, false));
        rates.perCall.push(await logCallThroughput(database.url, true));
      }
      const library = median(rates.library);
      const perCall = median(rates.perCall);
      logRows.push([databaseType, formatRate(library), formatRate(perCall), (library / perCall).toFixed(1)]);
      console.error(`${databaseType} logCall: ${formatRate(library)}/s vs ${formatRate(perCall)}/s one INSERT per call`);

      const db = openDatabase(database.url);
      try {
        for (const size of SIZES) {
          await db.deleteFrom("ai_calls").execute();
          await seedAICalls(db, databaseType, size);
          const results: Record<string, { ms: number[]; mb: number[] }> = {};
          for (let i = 0; i < REPEATS; i++) {
            for (const contender of ["library", "bare-group-by", "spec"]) {
              const run = await statsRun(contender, database.url);
              (results[contender] ??= { ms: [], mb: [] }).ms.push(run.ms);
              results[contender].mb.push(run.peakRssMb);
            }
          }
          const ms = (c: string) => median(results[c]!.ms);
          const mb = (c: string) => Math.max(...results[c]!.mb);
          statsRows.push([
            databaseType, size.toLocaleString("en-US"),
            `${ms("library").toFixed(1)} ms / ${mb("library").toFixed(0)} MB`,
            `${ms("bare-group-by").toFixed(1)} ms / ${mb("bare-group-by").toFixed(0)} MB`,
            `${ms("spec").toFixed(1)} ms / ${mb("spec").toFixed(0)} MB`,
            (ms("library") / ms("bare-group-by")).toFixed(2),
            (ms("spec") / ms("library")).toFixed(1),
          ]);
          console.error(`${databaseType} getStats at ${size}: ${statsRows.at(-1)!.slice(2).join(" | ")}`);
        }
      } finally {
        await db.destroy();
      }
    } finally {
      await database.drop();
    }
  }
  console.log(`\nAI-call ledger; ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; median of ${REPEATS}\n`);
  console.log(`logCall: ${LOG_CALLS.toLocaleString("en-US")} calls, until all are in the database (calls/s)\n`);
  console.log(markdownTable(["database", "library (buffered)", "one INSERT per call (spec)", "ratio"], logRows));
  console.log(`\ngetStats("${PREFIX}") over all rows (90% match), time / peak process memory\n`);
  console.log(
    markdownTable(["database", "rows", "library", "bare GROUP BY", "spec: load all + sum in JS", "library / bare", "spec / library"], statsRows),
  );
}

await main();
