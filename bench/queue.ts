// Queue throughput: the library against the floor (the same SQL through the bare
// driver, prepared), in one run, on both dialects. `npm run bench:queue`.
// BENCH_REPEATS (default 3) runs per measurement; the median is reported, and
// the two contenders alternate which goes first.
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { openDatabase } from "../src/database/open-database.js";
import type { DatabaseType } from "../src/dialects/dialect-support.js";
import { createKyselyJobQueue } from "../src/queue/kysely-job-queue.js";
import { runNode } from "./support/run-node.js";
import { createBenchDatabase, type BenchDatabase } from "./support/bench-database.js";
import { formatRate, markdownTable, median, timed } from "./support/measure.js";
import { drain } from "./queue/drain.js";
import { postgresFloor, sqliteFloor, type QueueOperations } from "./queue/floor-queue.js";
import { libraryQueue } from "./queue/library-queue.js";
import { captureQueueStatements, type QueueStatements } from "./queue/queue-statements.js";

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
type Contender = "library" | "floor";

interface Row {
  databaseType: DatabaseType;
  workload: string;
  library: number;
  floor: number;
}

async function main() {
  const rows: Row[] = [];
  for (const databaseType of ["postgresql", "sqlite"] as const) {
    const database = await createBenchDatabase(databaseType);
    try {
      const statements = await captureQueueStatements(database.url);
      const statementsFile = join(mkdtempSync(join(tmpdir(), "kwp-bench-")), "statements.json");
      writeFileSync(statementsFile, JSON.stringify(statements));
      const bench = new QueueBench(database, statements, statementsFile);
      const workers = databaseType === "postgresql" ? [1, 4, 16] : [1, 4, 16];
      rows.push(await bench.compare("enqueue (1 job per call)", (c) => bench.enqueueSingle(c, 3_000 * SCALE)));
      rows.push(await bench.compare("enqueueParallel (100 jobs per call)", (c) => bench.enqueueBatches(c, 150 * SCALE)));
      for (const n of workers) {
        rows.push(await bench.compare(`dequeue + complete, ${n} worker${n > 1 ? "s" : ""}`, (c) => bench.drain(c, n, false, 4_000 * SCALE)));
      }
      for (const n of databaseType === "postgresql" ? [1, 16] : [1, 4]) {
        rows.push(await bench.compare(`dequeueBatch(20) + completeMany, ${n} worker${n > 1 ? "s" : ""}`, (c) => bench.drain(c, n, true, 20_000 * SCALE)));
      }
      rows.forEach((row) => (row.databaseType ??= databaseType));
    } finally {
      await database.drop();
    }
  }
  console.log(`\nQueue throughput, jobs/s (median of ${REPEATS}); ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}\n`);
  console.log(
    markdownTable(
      ["database", "workload", "library", "floor (bare driver)", "library / floor"],
      rows.map((r) => [r.databaseType, r.workload, formatRate(r.library), formatRate(r.floor), (r.library / r.floor).toFixed(2)]),
    ),
  );
}

class QueueBench {
  constructor(
    readonly database: BenchDatabase,
    readonly statements: QueueStatements,
    readonly statementsFile: string,
  ) {}

  /** Runs each contender REPEATS times, alternating which goes first; jobs/s medians. */
  async compare(workload: string, measure: (contender: Contender) => Promise<number>): Promise<Row> {
    const results: Record<Contender, number[]> = { library: [], floor: [] };
    for (let i = 0; i < REPEATS; i++) {
      const order: Contender[] = i % 2 ? ["floor", "library"] : ["library", "floor"];
      for (const contender of order) {
        await this.clear();
        results[contender].push(await measure(contender));
      }
    }
    const row = { databaseType: this.database.databaseType, workload, library: median(results.library), floor: median(results.floor) };
    console.error(`${row.databaseType} ${workload}: library ${formatRate(row.library)}/s, floor ${formatRate(row.floor)}/s`);
    return row;
  }

  async open(contender: Contender, workerId: string): Promise<QueueOperations> {
    if (contender === "library") return libraryQueue(this.database.url, workerId);
    return this.database.databaseType === "postgresql"
      ? postgresFloor(this.database.target, this.statements, workerId)
      : sqliteFloor(this.database.target, this.statements, workerId);
  }

  async enqueueSingle(contender: Contender, calls: number): Promise<number> {
    const queue = await this.open(contender, "producer");
    try {
      const ms = await timed(async () => {
        for (let i = 0; i < calls; i++) await queue.enqueue();
      });
      return (calls / ms) * 1000;
    } finally {
      await queue.close();
    }
  }

  async enqueueBatches(contender: Contender, calls: number): Promise<number> {
    const queue = await this.open(contender, "producer");
    try {
      const ms = await timed(async () => {
        for (let i = 0; i < calls; i++) await queue.enqueueHundred();
      });
      return ((calls * 100) / ms) * 1000;
    } finally {
      await queue.close();
    }
  }

  /** Fills the queue with `jobs` jobs, then `workers` workers drain it; jobs/s. */
  async drain(contender: Contender, workers: number, batched: boolean, jobs: number): Promise<number> {
    await this.fill(jobs);
    if (this.database.databaseType === "sqlite" && workers > 1) return this.drainInProcesses(contender, workers, batched, jobs);
    const queues = await Promise.all(Array.from({ length: workers }, (_, i) => this.open(contender, `worker-${i}`)));
    try {
      let completed = 0;
      const ms = await timed(async () => {
        const counts = await Promise.all(queues.map((queue) => drain(queue, batched)));
        completed = counts.reduce((a, b) => a + b, 0);
      });
      if (completed !== jobs) throw new Error(`drained ${completed} of ${jobs} jobs`);
      return (jobs / ms) * 1000;
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
    }
  }

  /** SQLite connections only compete from separate processes; time runs from a shared start. */
  async drainInProcesses(contender: Contender, workers: number, batched: boolean, jobs: number): Promise<number> {
    const startAt = Date.now() + 1_500;
    const results = await Promise.all(
      Array.from({ length: workers }, () =>
        runNode([
          "--import", "tsx", join(import.meta.dirname, "queue/worker-process.ts"),
          contender, this.database.url, this.statementsFile, String(startAt), batched ? "batch" : "one",
        ]),
      ),
    );
    let completed = 0;
    let finishedAt = startAt;
    for (const result of results) {
      if (result.code !== 0) throw new Error(`worker failed: ${result.stderr}`);
      const outcome = JSON.parse(result.stdout) as { completed: number; finishedAt: number };
      completed += outcome.completed;
      finishedAt = Math.max(finishedAt, outcome.finishedAt);
    }
    if (completed !== jobs) throw new Error(`drained ${completed} of ${jobs} jobs`);
    return (jobs / (finishedAt - startAt)) * 1000;
  }

  async fill(jobs: number): Promise<void> {
    const db = openDatabase(this.database.url);
    try {
      const queue = createKyselyJobQueue(db, { listen: false });
      for (let start = 0; start < jobs; start += 1_000) {
        const size = Math.min(1_000, jobs - start);
        await queue.enqueueParallel(Array.from({ length: size }, (_, i) => ({ workflowRunId: `run-${i % 10}`, stageId: `s${start + i}` })));
      }
    } finally {
      await db.destroy();
    }
  }

  async clear(): Promise<void> {
    const db = openDatabase(this.database.url);
    try {
      if (this.database.databaseType === "postgresql") await sql`truncate job_queue`.execute(db);
      else await db.deleteFrom("job_queue").execute();
    } finally {
      await db.destroy();
    }
  }
}

await main();
