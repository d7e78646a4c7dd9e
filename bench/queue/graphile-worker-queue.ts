import { EventEmitter } from "node:events";
import { Logger, makeWorkerUtils, run, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { NOOP_TASK, type ExternalQueue } from "./external-queue.js";

const silent = new Logger(() => () => {});

/**
 * graphile-worker 0.17, configured from its performance docs: per job, one
 * runner with `concurrency` = workers; batched, the local queue (500 jobs
 * locked and fetched per round trip) plus batched completions
 * (`completeJobBatchDelay: 0`). The drain is timed from `run()` until every
 * job has succeeded and the runner has stopped (which flushes completions).
 */
export async function graphileWorkerQueue(connectionString: string): Promise<ExternalQueue> {
  const pool = new pg.Pool({ connectionString, max: 4 });
  // graphile-worker asks for error handlers on the pool and on each client it hands out.
  pool.on("error", (error) => console.error("graphile-worker utils pool:", error.message));
  pool.on("connect", (client) => client.on("error", (error) => console.error("graphile-worker utils client:", error.message)));
  const utils = await makeWorkerUtils({ pgPool: pool, logger: silent });
  const spec = (i: number) => ({ identifier: NOOP_TASK, payload: { i } });
  return {
    name: "graphile-worker",
    setup: () => utils.migrate(),
    async enqueueSingle(calls, latencies) {
      for (let i = 0; i < calls; i++) {
        const start = performance.now();
        await utils.addJob(NOOP_TASK, { i });
        latencies.push(performance.now() - start);
      }
    },
    async enqueueBatches(calls, latencies) {
      const hundred = Array.from({ length: 100 }, (_, i) => spec(i));
      for (let i = 0; i < calls; i++) {
        const start = performance.now();
        await utils.addJobs(hundred);
        latencies.push(performance.now() - start);
      }
    },
    async fill(jobs) {
      for (let start = 0; start < jobs; start += 1_000) {
        await utils.addJobs(Array.from({ length: Math.min(1_000, jobs - start) }, (_, i) => spec(start + i)));
      }
      await pool.query("analyze graphile_worker._private_jobs");
    },
    async drain(workers, batchSize, jobs) {
      // Its workers never await a completion before fetching the next job: it always overlaps.
      const events: WorkerEvents = new EventEmitter();
      let succeeded = 0;
      let allDone!: () => void;
      const done = new Promise<void>((resolve) => (allDone = resolve));
      events.on("job:success", () => {
        if (++succeeded === jobs) allDone();
      });
      const start = performance.now();
      const runner = await run({
        connectionString,
        concurrency: workers,
        maxPoolSize: Math.max(10, workers + 2),
        noHandleSignals: true,
        pollInterval: 1_000,
        logger: silent,
        events,
        taskList: { [NOOP_TASK]: async () => {} },
        ...(batchSize !== null ? { preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } } } : {}),
      });
      await done;
      await runner.stop();
      return performance.now() - start;
    },
    async clear() {
      await pool.query("delete from graphile_worker._private_jobs");
      await pool.query("vacuum analyze graphile_worker._private_jobs");
    },
    async close() {
      await utils.release();
      await pool.end();
    },
  };
}
