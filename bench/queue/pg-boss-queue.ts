import PgBoss from "pg-boss";
import type { ExternalQueue } from "./external-queue.js";

const QUEUE = "kwp_bench";

/**
 * pg-boss 10 driven the way its README shows for pull-based workers: each
 * worker loops `fetch` + `complete`; batched, `fetch({ batchSize })` (the size the
 * library claims in that workload) and one `complete` for the ids; overlapped,
 * a completion is not awaited before the next fetch. One PgBoss instance per
 * process (its pool sized for two connections per worker), as an application
 * would hold.
 */
export async function pgBossQueue(connectionString: string, maxWorkers: number): Promise<ExternalQueue> {
  const boss = new PgBoss({ connectionString, max: Math.max(10, 2 * maxWorkers + 2) });
  boss.on("error", (error) => console.error("pg-boss:", error));
  const data = (i: number) => ({ i });
  return {
    name: "pg-boss",
    async setup() {
      await boss.start();
      await boss.createQueue(QUEUE);
    },
    async enqueueSingle(calls, latencies) {
      for (let i = 0; i < calls; i++) {
        const start = performance.now();
        await boss.send(QUEUE, data(i));
        latencies.push(performance.now() - start);
      }
    },
    async enqueueBatches(calls, latencies) {
      const hundred = Array.from({ length: 100 }, (_, i) => ({ name: QUEUE, data: data(i) }));
      for (let i = 0; i < calls; i++) {
        const start = performance.now();
        await boss.insert(hundred);
        latencies.push(performance.now() - start);
      }
    },
    async fill(jobs) {
      for (let start = 0; start < jobs; start += 1_000) {
        await boss.insert(Array.from({ length: Math.min(1_000, jobs - start) }, (_, i) => ({ name: QUEUE, data: data(start + i) })));
      }
      await boss.getDb().executeSql("analyze pgboss.job", []);
    },
    async drain(workers, batchSize, jobs, latencies, acknowledgement) {
      let completed = 0;
      const worker = async () => {
        let inFlight: Promise<unknown> | undefined;
        for (;;) {
          const cycle = performance.now();
          const fetched = await boss.fetch(QUEUE, batchSize === null ? {} : { batchSize });
          await inFlight;
          if (fetched.length === 0) return;
          inFlight = boss.complete(QUEUE, fetched.map((job) => job.id));
          if (acknowledgement !== "overlapped") await inFlight;
          completed += fetched.length;
          latencies.push(performance.now() - cycle);
        }
      };
      const start = performance.now();
      await Promise.all(Array.from({ length: workers }, worker));
      const ms = performance.now() - start;
      if (completed !== jobs) throw new Error(`pg-boss drained ${completed} of ${jobs} jobs`);
      return ms;
    },
    async clear() {
      // Deleted rows would pile up as dead tuples across repeats: vacuum, as the library's TRUNCATE leaves none.
      await boss.getDb().executeSql("delete from pgboss.job", []);
      await boss.getDb().executeSql("vacuum analyze pgboss.job", []);
    },
    close: () => boss.stop({ graceful: false, close: true }),
  };
}
