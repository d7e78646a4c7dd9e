/**
 * The engine's 0.12 workloads (see contract-workloads.ts) on a database
 * upgraded to the 0.12 contract, for the library, the library through Prisma
 * and the floor (the library's statements for one unit, replayed bare). Each
 * measurement runs in a fresh process; afterwards another connection checks
 * that the work is all there (every event published, sequences 1..4 per run,
 * no key left in progress, every run COMPLETED), or the figure is refused.
 */
import { join } from "node:path";
import { sql } from "kysely";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import type { BenchDatabase } from "../support/bench-database.js";
import type { BenchOptions } from "../support/options.js";
import { throughput, type Measurement, type Results } from "../support/results.js";
import { runNode } from "../support/run-node.js";
import { CONTRACT_CONTENDERS, type ContractContender } from "./contract-runners.js";
import { CONTRACT_WORKLOADS, EVENTS_PER_CYCLE, type ContractWorkload } from "./contract-workloads.js";

const UNIT: Record<ContractWorkload, NonNullable<Measurement["unit"]>> = { outbox: "events/s", dispatch: "commands/s", lifecycle: "runs/s" };

export async function contractSuite(database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  const db = openDatabase(database.url);
  try {
    await migrateToLatest(db, { target: "0.12" });
    for (const workload of Object.keys(CONTRACT_WORKLOADS) as ContractWorkload[]) {
      const units = options.contract[workload];
      const rates = new Map<ContractContender, number[]>(CONTRACT_CONTENDERS.map((c) => [c, []]));
      const latencies = new Map<ContractContender, number[]>(CONTRACT_CONTENDERS.map((c) => [c, []]));
      let first = 1;
      for (let repeat = 0; repeat < options.repeats; repeat++) {
        for (let i = 0; i < CONTRACT_CONTENDERS.length; i++) {
          const contender = CONTRACT_CONTENDERS[(i + repeat) % CONTRACT_CONTENDERS.length]!;
          const target = JSON.stringify({ databaseType: database.databaseType, url: database.url });
          const before = await stored(db, workload);
          const outcome = await runNode(["--import", "tsx", join(import.meta.dirname, "contract-process.ts"), contender, workload, target, String(units), String(first)]);
          if (outcome.code !== 0) throw new Error(`${workload} ${contender} failed: ${outcome.stderr}`);
          first += units + 1;
          // Warm-up and timed units, and the floor's captured one.
          const expected = units + 1 + (contender === "floor" ? 1 : 0);
          const done = (await stored(db, workload)) - before;
          if (done !== expected) throw new Error(`${workload} ${contender}: ${done} of ${expected} units are stored as they should be`);
          const result = JSON.parse(outcome.stdout) as { perSecond: number; latencies: number[] };
          const scale = workload === "outbox" ? EVENTS_PER_CYCLE : 1;
          rates.get(contender)!.push(result.perSecond * scale);
          latencies.get(contender)!.push(...result.latencies);
        }
      }
      for (const contender of CONTRACT_CONTENDERS) {
        results.add(
          throughput(
            { dialect: database.databaseType, suite: "contract", workload: CONTRACT_WORKLOADS[workload], contender, unit: UNIT[workload] },
            rates.get(contender)!,
            latencies.get(contender)!,
          ),
        );
      }
    }
  } finally {
    await db.destroy();
  }
}

/**
 * Units of `workload` that are complete in the database: runs whose 4 events
 * are all published with sequences 1..4; completed commands (key no longer in
 * progress, its run's event there); COMPLETED runs at the version every write
 * bumped (1 + 2 updates of the run + nothing else: 3).
 */
async function stored(db: ReturnType<typeof openDatabase>, workload: ContractWorkload): Promise<number> {
  let query;
  if (workload === "outbox") {
    query = sql<{ n: number | string }>`select count(*) as n from (
      select "workflowRunId" from outbox_events where "causationId" = "workflowRunId"
      group by "workflowRunId"
      having count(*) = ${EVENTS_PER_CYCLE} and max(sequence) = ${EVENTS_PER_CYCLE} and count("publishedAt") = ${EVENTS_PER_CYCLE}) as complete`;
  } else if (workload === "dispatch") {
    query = sql<{ n: number | string }>`select count(*) as n from idempotency_keys k
      where k."commandType" = 'run.create'
        and exists (select 1 from outbox_events e where e."causationId" = k.key)
        and cast(k.result as text) not like ${"%__workflowEngineState%"}`;
  } else {
    query = sql<{ n: number | string }>`select count(*) as n from workflow_runs where status = 'COMPLETED' and version = 3`;
  }
  const { rows } = await query.execute(db);
  return Number(rows[0]!.n);
}
