/**
 * The AI-call ledger: `logCall` throughput until every call is in the table,
 * and `getStats` time and peak memory at 10k / 100k / 1M rows (90% under the
 * prefix), each getStats contender in a fresh process.
 */
import { join } from "node:path";
import { sql } from "kysely";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createPrismaAICallLogger } from "../../src/prisma/index.js";
import type { AICallLogger } from "../../src/interfaces/ai-call-logger.js";
import { benchPrismaClient } from "../support/bench-prisma.js";
import type { BenchDatabase } from "../support/bench-database.js";
import { median } from "../support/measure.js";
import type { BenchOptions } from "../support/options.js";
import { throughput, type Results } from "../support/results.js";
import { runNode } from "../support/run-node.js";
import { seedAICalls } from "./seed-ai-calls.js";

export const STATS_WORKLOAD = "getStats over ai_calls rows";
const PREFIX = "workflow.";
const LOG_CONTENDERS = ["library", "library via Prisma", "spec's Prisma"] as const;
const STATS_CONTENDERS = ["library", "library via Prisma", "spec's Prisma", "floor"] as const;

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

export async function statsSuite(database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  await logCallThroughput(database, options, results);
  const db = openDatabase(database.url);
  try {
    for (const rows of options.stats.rows) {
      await db.deleteFrom("ai_calls").execute();
      await seedAICalls(db, database.databaseType, rows);
      for (const contender of STATS_CONTENDERS) {
        // The spec's load-and-sum takes seconds to minutes at 1M rows: one run is enough to see it.
        const runs = contender === "spec's Prisma" ? 1 : options.repeats;
        const times: number[] = [];
        let peakRssMb = 0;
        for (let i = 0; i < runs; i++) {
          const run = await runNode(["--max-old-space-size=16384", "--import", "tsx", join(import.meta.dirname, "stats-process.ts"), contender, database.url, PREFIX]);
          if (run.code !== 0) throw new Error(`getStats ${contender} failed: ${run.stderr}`);
          const outcome = JSON.parse(run.stdout) as { ms: number; peakRssMb: number };
          times.push(outcome.ms);
          peakRssMb = Math.max(peakRssMb, outcome.peakRssMb);
        }
        results.add({ dialect: database.databaseType, suite: "stats", workload: STATS_WORKLOAD, contender, rows, ms: median(times), peakRssMb, repeats: times });
      }
    }
  } finally {
    await db.destroy();
  }
}

/** `logCall` N calls, then wait until all of them are stored; calls/s. */
async function logCallThroughput(database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  const calls = options.stats.logCalls;
  const rates = new Map<string, number[]>(LOG_CONTENDERS.map((c) => [c, []]));
  const db = openDatabase(database.url);
  try {
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (const contender of LOG_CONTENDERS) {
        await db.deleteFrom("ai_calls").execute();
        const prisma = contender === "library" ? undefined : await benchPrismaClient(database.databaseType, database.url);
        const own = contender === "library" ? openDatabase(database.url) : undefined;
        try {
          const n = contender === "spec's Prisma" ? Math.ceil(calls / 4) : calls;
          const start = performance.now();
          if (contender === "spec's Prisma") {
            // The spec's logCall: one create per call, fired without waiting; all awaited at the end.
            const writes: Promise<unknown>[] = [];
            for (let i = 0; i < n; i++) writes.push(prisma.aICall.create({ data: { ...call(i), metadata: undefined } }));
            await Promise.all(writes);
          } else {
            const logger: AICallLogger = own ? createKyselyAICallLogger(own) : createPrismaAICallLogger(prisma);
            for (let i = 0; i < n; i++) logger.logCall(call(i));
            await logger.close!();
          }
          rates.get(contender)!.push((n / (performance.now() - start)) * 1000);
          const { rows } = await sql<{ n: string | number }>`select count(*) as n from ai_calls`.execute(db);
          if (Number(rows[0]!.n) !== n) throw new Error(`${contender}: only ${rows[0]!.n} of ${n} calls reached the database`);
        } finally {
          await own?.destroy();
        }
      }
    }
  } finally {
    await db.destroy();
  }
  for (const contender of LOG_CONTENDERS) {
    results.add(throughput({ dialect: database.databaseType, suite: "stats", workload: "logCall until stored", contender, unit: "calls/s" }, rates.get(contender)!, []));
  }
}
