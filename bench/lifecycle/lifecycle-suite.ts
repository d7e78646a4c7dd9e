/**
 * Workflow lifecycle throughput (runs/s, one runner, sequential runs) for the
 * library, the library through Prisma, the spec's Prisma implementation and
 * the floor (the library's statements for one run, replayed bare). Each
 * measurement runs in a fresh process; afterwards another connection must see
 * every run COMPLETED, or the figure is refused.
 */
import { join } from "node:path";
import { openDatabase } from "../../src/database/open-database.js";
import type { BenchDatabase } from "../support/bench-database.js";
import type { BenchOptions } from "../support/options.js";
import { throughput, type Results } from "../support/results.js";
import { runNode } from "../support/run-node.js";
import { LIFECYCLE_CONTENDERS, type LifecycleContender } from "./lifecycle-runners.js";

export const LIFECYCLE_WORKLOAD = "run with 10 stages in 3 groups";

async function storedRuns(database: BenchDatabase): Promise<number> {
  const db = openDatabase(database.url);
  try {
    const row = await db.selectFrom("workflow_runs").select(db.fn.countAll<number>().as("n")).where("status", "=", "COMPLETED").executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await db.destroy();
  }
}

export async function lifecycleSuite(database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  const rates = new Map<LifecycleContender, number[]>(LIFECYCLE_CONTENDERS.map((c) => [c, []]));
  const latencies = new Map<LifecycleContender, number[]>(LIFECYCLE_CONTENDERS.map((c) => [c, []]));
  let first = 1;
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    for (let i = 0; i < LIFECYCLE_CONTENDERS.length; i++) {
      const contender = LIFECYCLE_CONTENDERS[(i + repeat) % LIFECYCLE_CONTENDERS.length]!;
      const runs = contender === "spec's Prisma" ? options.lifecycle.specRuns : options.lifecycle.runs;
      const before = await storedRuns(database);
      const target = JSON.stringify({ databaseType: database.databaseType, url: database.url });
      const outcome = await runNode(["--import", "tsx", join(import.meta.dirname, "lifecycle-process.ts"), contender, target, String(runs), String(first)]);
      if (outcome.code !== 0) throw new Error(`lifecycle ${contender} failed: ${outcome.stderr}`);
      first += runs + 1;
      // The floor's statement capture finishes one more run of its own.
      const expected = runs + 1 + (contender === "floor" ? 1 : 0);
      const stored = (await storedRuns(database)) - before;
      if (stored !== expected) throw new Error(`${contender}: ${stored} of ${expected} finished runs are visible to another connection`);
      const result = JSON.parse(outcome.stdout) as { perSecond: number; latencies: number[] };
      rates.get(contender)!.push(result.perSecond);
      for (const latency of result.latencies) latencies.get(contender)!.push(latency);
    }
  }
  for (const contender of LIFECYCLE_CONTENDERS) {
    results.add(
      throughput(
        { dialect: database.databaseType, suite: "lifecycle", workload: LIFECYCLE_WORKLOAD, contender, unit: "runs/s" },
        rates.get(contender)!,
        latencies.get(contender)!,
      ),
    );
  }
}
