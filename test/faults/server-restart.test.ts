import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JobLeaseLostError } from "../../src/errors.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { loadEmbeddedPostgres } from "../support/embedded-postgres-access.js";

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Restarting the shared test server would disturb every other test file, so
// this test starts a PostgreSQL server of its own (embedded-postgres).
describe("a PostgreSQL restart in the middle of a drain", () => {
  it("fails in-flight calls clearly, recovers by itself, and completes every job exactly once", { timeout: 180_000 }, async () => {
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const parent = join(tmpdir(), `kwp-restart-${process.pid}`);
    mkdirSync(parent, { recursive: true });
    chmodSync(parent, 0o755);
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: join(parent, "data"), port, user: "postgres", password: "postgres", persistent: true,
      createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
    });
    await server.initialise();
    await server.start();
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    const jobs = 1_500;
    const dbs: ReturnType<typeof openDatabase>[] = [];
    try {
      const setup = openDatabase(url);
      dbs.push(setup);
      await migrateToLatest(setup);
      const janitor = createKyselyJobQueue(setup, { workerId: "janitor", listen: false });
      for (let start = 0; start < jobs; start += 500) {
        await janitor.enqueueParallel(Array.from({ length: 500 }, (_, i) => ({ workflowRunId: "r", stageId: `s${start + i}` })));
      }

      const completedBy = new Map<string, string[]>();
      const failures: string[] = [];
      let finished = false;
      const worker = async (index: number) => {
        const db = openDatabase(url, { postgres: { max: 1 } });
        dbs.push(db);
        const queue = createKyselyJobQueue(db, { workerId: `worker-${index}`, listen: false });
        while (!finished) {
          try {
            const job = await queue.dequeue();
            if (!job) {
              await sleep(20);
              continue;
            }
            await sleep(1);
            // Keep acknowledging until it lands: a retry after a lost reply is a no-op for
            // the same worker, and a job that went to someone else says so.
            for (;;) {
              try {
                await queue.complete(job.jobId);
                completedBy.set(job.jobId, [...(completedBy.get(job.jobId) ?? []), queue.workerId]);
                break;
              } catch (error) {
                if (error instanceof JobLeaseLostError) break;
                failures.push((error as Error).message);
                await sleep(100);
              }
            }
          } catch (error) {
            failures.push((error as Error).message);
            await sleep(100);
          }
        }
      };
      const janitorLoop = async () => {
        while (!finished) {
          await janitor.releaseStaleJobs(2_000).catch(() => {});
          const stats = await janitor.getQueueStats().catch(() => undefined);
          if (stats && stats.COMPLETED === jobs) finished = true;
          await sleep(200);
        }
      };
      const running = Promise.all([...Array.from({ length: 4 }, (_, i) => worker(i)), janitorLoop()]);

      while (completedBy.size < jobs / 4) await sleep(20);
      await server.stop();
      await sleep(1_000);
      await server.start();
      await running;

      expect(failures.length).toBeGreaterThan(0); // the outage was felt…
      expect(failures.every((message) => message.length > 0 && !/undefined/.test(message))).toBe(true);
      const stats = await janitor.getQueueStats();
      expect(stats).toMatchObject({ COMPLETED: jobs, PENDING: 0, RUNNING: 0 }); // …and nothing was lost
      expect(completedBy.size).toBe(jobs);
      expect([...completedBy.values()].filter((workers) => workers.length > 1)).toEqual([]);
    } finally {
      await Promise.all(dbs.map((db) => db.destroy().catch(() => {})));
      await server.stop().catch(() => {});
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
