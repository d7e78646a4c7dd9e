/**
 * How claiming grows with queue depth: the latency of one dequeue (p50, p99)
 * with 1k … 1M PENDING jobs in the table, with the spec's indexes only and
 * with the library's opt-in claim index, for the library and the spec's
 * Prisma implementation. With the spec's `(status, nextPollAt)` index the
 * `ORDER BY priority DESC, createdAt` claim must read and sort every pending
 * job; the opt-in partial index hands it the first one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import type { Database } from "../../src/database/database.js";
import { dialectMigrationsFolder } from "../../src/database/migrations/migrations-folder.js";
import { splitSqlStatements } from "../../src/database/migrations/split-sql-statements.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { benchPrismaClient } from "../support/bench-prisma.js";
import type { BenchDatabase } from "../support/bench-database.js";
import { percentile } from "../support/measure.js";
import type { BenchOptions } from "../support/options.js";
import type { Results } from "../support/results.js";
import { specPrismaQueue } from "../queue/spec-prisma-queue.js";
import { seedPendingJobs, unclaimJobs } from "./seed-pending-jobs.js";

const CLAIM_INDEX = "job_queue_pending_claim_idx";
export const GROWTH_WORKLOAD = "dequeue latency vs PENDING jobs";

export async function growthSuite(database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  const db = openDatabase(database.url);
  const prisma = await benchPrismaClient(database.databaseType, database.url);
  const library = createKyselyJobQueue(db, { workerId: "growth", listen: false });
  const spec = specPrismaQueue(prisma, database.databaseType, "growth");
  const claimIndexSql = readFileSync(join(dialectMigrationsFolder(database.databaseType), "optional/0001_job_queue_pending_claim_index.sql"), "utf8");
  try {
    let seeded = 0;
    for (const rows of options.growth.pendingJobs) {
      await seedPendingJobs(db, database.databaseType, seeded, rows);
      seeded = rows;
      await sql`drop index if exists ${sql.ref(CLAIM_INDEX)}`.execute(db);
      await analyze(db, database.databaseType);
      const specIndexes = "spec indexes";
      await sample(results, database, options, rows, `library, ${specIndexes}`, db, () => library.dequeue());
      await sample(results, database, options, rows, `spec's Prisma, ${specIndexes}`, db, () => spec.dequeue());
      for (const statement of splitSqlStatements(claimIndexSql)) await sql.raw(statement).execute(db);
      await analyze(db, database.databaseType);
      await sample(results, database, options, rows, "library, opt-in claim index", db, () => library.dequeue());
    }
  } finally {
    await db.destroy();
  }
}

async function analyze(db: Kysely<Database>, databaseType: string) {
  await sql.raw(databaseType === "postgresql" ? "analyze job_queue" : "analyze").execute(db);
}

/** Times single dequeues until `samples` are taken or the time budget is spent (at least 5). */
async function sample(
  results: Results,
  database: BenchDatabase,
  options: BenchOptions,
  rows: number,
  contender: string,
  db: Kysely<Database>,
  dequeue: () => Promise<unknown>,
): Promise<void> {
  await dequeue(); // warm-up: plan and statement caches
  const latencies: number[] = [];
  const budgetEnds = performance.now() + options.growth.budgetMs;
  while (latencies.length < options.growth.samples && (latencies.length < 5 || performance.now() < budgetEnds)) {
    const start = performance.now();
    const claimed = await dequeue();
    latencies.push(performance.now() - start);
    if (claimed === null) throw new Error(`${contender}: the queue ran empty at ${rows} rows`);
  }
  await unclaimJobs(db);
  results.add({
    dialect: database.databaseType,
    suite: "growth",
    workload: GROWTH_WORKLOAD,
    contender,
    rows,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    samples: latencies.length,
    repeats: latencies,
  });
}
