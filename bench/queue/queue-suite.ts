/**
 * Queue workloads, every contender on the same database in one run: enqueue
 * (1 and 100 per call), dequeue + complete with 1 / 4 / 16 workers (on
 * PostgreSQL also with each completion overlapping the next claim), and
 * batched claiming (20 and 100 per claim). PostgreSQL workers are connections of one
 * process; SQLite workers are processes on one WAL file (connections in one
 * process would only take turns).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import type { BenchDatabase } from "../support/bench-database.js";
import type { BenchOptions } from "../support/options.js";
import { throughput, type Results } from "../support/results.js";
import { startNode } from "../support/run-node.js";
import { drain, type Acknowledgement } from "./drain.js";
import type { ExternalQueue } from "./external-queue.js";
import { graphileWorkerQueue } from "./graphile-worker-queue.js";
import { pgBossQueue } from "./pg-boss-queue.js";
import { IN_PROCESS_CONTENDERS, openQueueSession, type InProcessContender, type QueueTarget } from "./queue-contenders.js";
import { benchJob } from "./queue-operations.js";
import { captureQueueStatements } from "./queue-statements.js";

type Contender = InProcessContender | ExternalQueue;

export const CHAINED_WORKLOAD = "completeAndDequeue (one call per job)";
/** Who has a complete-and-claim-next call, plus graphile-worker (which always works per job its own way). */
const CHAINING_CONTENDERS = ["library", "library via Prisma", "floor", "graphile-worker"];
const nameOf = (c: Contender) => (typeof c === "string" ? c : c.name);

/** The spec's Prisma queue is an order of magnitude slower: it gets a quarter of the work (a rate is a rate). */
const shareOf = (c: Contender) => (c === "spec's Prisma" ? 0.25 : 1);

export async function queueSuite(database: BenchDatabase, options: BenchOptions, results: Results, scratch: string): Promise<void> {
  const statementsFile = join(scratch, `statements-${database.databaseType}.json`);
  writeFileSync(statementsFile, JSON.stringify(await captureQueueStatements(database.url)));
  const target: QueueTarget = { databaseType: database.databaseType, url: database.url, statementsFile };
  const externals: ExternalQueue[] =
    database.databaseType === "postgresql"
      ? [await graphileWorkerQueue(database.url), await pgBossQueue(database.url, Math.max(...options.queue.workers))]
      : [];
  try {
    for (const external of externals) await external.setup();
    const bench = new QueueBench(target, options, results, externals);
    const contenders: Contender[] = [...IN_PROCESS_CONTENDERS, ...externals];
    const { queue } = options;
    await bench.measure("enqueue, 1 job per call", contenders, (c, lat) => bench.enqueue(c, false, queue.enqueueCalls, lat));
    await bench.measure("enqueue, 100 jobs per call", contenders, (c, lat) => bench.enqueue(c, true, queue.enqueueBatchCalls, lat));
    const plural = (n: number) => `${n} worker${n > 1 ? "s" : ""}`;
    // graphile-worker cannot await a completion before its next fetch: it only appears overlapped.
    const awaiting = contenders.filter((c) => nameOf(c) !== "graphile-worker");
    for (const workers of queue.workers) {
      await bench.measure(`dequeue + complete, ${plural(workers)}`, awaiting, (c, lat) =>
        bench.drain(c, workers, null, queue.drainJobs, lat),
      );
    }
    if (database.databaseType === "postgresql") {
      // Each job still claimed and completed on its own, but the completion runs
      // while the worker claims its next job (better-sqlite3 is synchronous, so
      // on SQLite there is nothing to overlap).
      for (const workers of queue.workers) {
        await bench.measure(`dequeue + complete overlapped, ${plural(workers)}`, contenders, (c, lat) =>
          bench.drain(c, workers, null, queue.drainJobs, lat, "overlapped"),
        );
      }
    }
    // One call completes a job and claims the next (one statement on PostgreSQL).
    // graphile-worker, where present, runs its own way, as in the overlapped rows.
    const chaining = contenders.filter((c) => CHAINING_CONTENDERS.includes(nameOf(c)));
    for (const workers of queue.workers) {
      await bench.measure(`${CHAINED_WORKLOAD}, ${plural(workers)}`, chaining, (c, lat) =>
        bench.drain(c, workers, null, queue.drainJobs, lat, "chained"),
      );
    }
    // The spec has no batch claim; the floor holds captured statements for batches of 20 only.
    const batchedContenders = contenders.filter((c) => c !== "spec's Prisma");
    for (const workers of queue.batchedWorkers) {
      await bench.measure(`batched (20 per claim), ${workers} worker${workers > 1 ? "s" : ""}`, batchedContenders, (c, lat) =>
        bench.drain(c, workers, 20, queue.batchDrainJobs, lat),
      );
    }
    const most = Math.max(...queue.batchedWorkers);
    await bench.measure(`batched (100 per claim), ${plural(most)}`, batchedContenders.filter((c) => c !== "floor"), (c, lat) =>
      bench.drain(c, most, 100, queue.batchDrainJobs, lat),
    );

  } finally {
    for (const external of externals) await external.close();
  }
}

class QueueBench {
  constructor(
    readonly target: QueueTarget,
    readonly options: BenchOptions,
    readonly results: Results,
    readonly externals: ExternalQueue[],
  ) {}

  /** Every contender `repeats` times, the order rotating per repeat; records jobs/s medians and pooled latencies. */
  async measure(workload: string, chosen: Contender[], run: (c: Contender, latencies: number[]) => Promise<number>) {
    // BENCH_QUEUE_WORKLOADS (a regular expression) and BENCH_QUEUE_CONTENDERS (names, comma-separated) narrow a run.
    const workloads = process.env.BENCH_QUEUE_WORKLOADS;
    if (workloads && !new RegExp(workloads).test(workload)) return;
    const named = process.env.BENCH_QUEUE_CONTENDERS?.split(",").map((name) => name.trim());
    const contenders = named ? chosen.filter((c) => named.includes(nameOf(c))) : chosen;
    const rates = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
    const latencies = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
    for (let repeat = 0; repeat < this.options.repeats; repeat++) {
      const order = contenders.map((_, i) => contenders[(i + repeat) % contenders.length]!);
      for (const contender of order) {
        await this.clear();
        rates.get(contender)!.push(await run(contender, latencies.get(contender)!));
      }
    }
    for (const contender of contenders) {
      this.results.add(
        throughput(
          { dialect: this.target.databaseType, suite: "queue", workload, contender: nameOf(contender), unit: "jobs/s" },
          rates.get(contender)!,
          latencies.get(contender)!,
        ),
      );
    }
  }

  /** Enqueues one job per call (or 100) from one producer; jobs/s. */
  async enqueue(contender: Contender, hundred: boolean, calls: number, latencies: number[]): Promise<number> {
    const n = Math.max(5, Math.round(calls * shareOf(contender)));
    const jobs = n * (hundred ? 100 : 1);
    if (typeof contender !== "string") {
      const start = performance.now();
      await (hundred ? contender.enqueueBatches(n, latencies) : contender.enqueueSingle(n, latencies));
      return (jobs / (performance.now() - start)) * 1000;
    }
    if (this.target.databaseType === "sqlite") {
      return this.inProcesses(contender, 1, hundred ? "enqueue-hundred" : "enqueue", jobs, latencies, n);
    }
    const session = await openQueueSession(contender, this.target, 1);
    const producer = session.workers[0]!;
    try {
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        const call = performance.now();
        await (hundred ? producer.enqueueHundred() : producer.enqueue());
        latencies.push(performance.now() - call);
      }
      return (jobs / (performance.now() - start)) * 1000;
    } finally {
      await session.close();
    }
  }

  /** Fills the queue with `jobs` jobs, then `workers` workers drain it; jobs/s. */
  async drain(
    contender: Contender,
    workers: number,
    batchSize: number | null,
    jobs: number,
    latencies: number[],
    acknowledgement: Acknowledgement = "awaited",
  ): Promise<number> {
    const count = Math.max(100, Math.round(jobs * shareOf(contender)));
    if (typeof contender !== "string") {
      await contender.fill(count);
      return (count / (await contender.drain(workers, batchSize, count, latencies, acknowledgement))) * 1000;
    }
    await this.fill(count);
    if (this.target.databaseType === "sqlite") {
      const mode = `${batchSize === null ? "drain-one" : "drain-batch"}${acknowledgement === "chained" ? "-chained" : ""}`;
      return this.inProcesses(contender, workers, mode, count, latencies, batchSize ?? 0);
    }
    const session = await openQueueSession(contender, this.target, workers);
    try {
      const start = performance.now();
      const counts = await Promise.all(session.workers.map((queue) => drain(queue, batchSize, latencies, acknowledgement)));
      const ms = performance.now() - start;
      const completed = counts.reduce((a, b) => a + b, 0);
      if (completed !== count) throw new Error(`${contender} drained ${completed} of ${count} jobs`);
      return (count / ms) * 1000;
    } finally {
      await session.close();
    }
  }

  /**
   * One process per worker; once every process has connected they are started
   * together and timed until the last finishes. `jobs` is what all of them
   * together must get through.
   */
  async inProcesses(contender: InProcessContender, workers: number, mode: string, jobs: number, latencies: number[], callsOrBatchSize = 0) {
    const children = Array.from({ length: workers }, () =>
      startNode(["--import", "tsx", join(import.meta.dirname, "worker-process.ts"), contender, JSON.stringify(this.target), mode, String(callsOrBatchSize)]),
    );
    await Promise.all(children.map((child) => child.ready));
    const startAt = Date.now();
    for (const child of children) child.send("go");
    const outcomes = await Promise.all(children.map((child) => child.result));
    let completed = 0;
    let finishedAt = startAt;
    for (const outcome of outcomes) {
      if (outcome.code !== 0) throw new Error(`${contender} worker failed: ${outcome.stderr}`);
      const result = JSON.parse(outcome.stdout.split("\n")[1]!) as { completed: number; finishedAt: number; latencies: number[] };
      completed += result.completed;
      finishedAt = Math.max(finishedAt, result.finishedAt);
      for (const latency of result.latencies) latencies.push(latency);
    }
    if (completed !== jobs) throw new Error(`${contender} got through ${completed} of ${jobs} jobs`);
    await this.expectStored(mode.startsWith("enqueue") ? jobs : 0, contender);
    return (jobs / (finishedAt - startAt)) * 1000;
  }

  /** What a contender reports must be what other connections see: pending jobs after enqueueing, none after draining. */
  async expectStored(pending: number, contender: string): Promise<void> {
    const db = openDatabase(this.target.url);
    try {
      const row = await db.selectFrom("job_queue").select(db.fn.countAll<number>().as("n")).where("status", "=", "PENDING").executeTakeFirstOrThrow();
      if (Number(row.n) !== pending) throw new Error(`${contender}: ${row.n} PENDING jobs stored, expected ${pending}`);
    } finally {
      await db.destroy();
    }
  }

  async fill(jobs: number): Promise<void> {
    const db = openDatabase(this.target.url);
    try {
      const queue = createKyselyJobQueue(db, { listen: false });
      for (let start = 0; start < jobs; start += 1_000) {
        await queue.enqueueParallel(Array.from({ length: Math.min(1_000, jobs - start) }, (_, i) => benchJob(start + i)));
      }
      // Every contender drains a freshly analysed table (the external queues analyse theirs too).
      if (this.target.databaseType === "postgresql") await sql`analyze job_queue`.execute(db);
    } finally {
      await db.destroy();
    }
  }

  async clear(): Promise<void> {
    const db = openDatabase(this.target.url);
    try {
      if (this.target.databaseType === "postgresql") await sql`truncate job_queue`.execute(db);
      else await db.deleteFrom("job_queue").execute();
    } finally {
      await db.destroy();
    }
    for (const external of this.externals) await external.clear();
  }
}
