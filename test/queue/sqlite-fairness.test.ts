import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createSqliteDatabase, type TestDatabase } from "../support/test-databases.js";

// One process, one SQLite connection, workers of both kinds on it: each
// statement takes the connection in turn. The connection used to go to
// whichever caller asked last (a barging lock), so a completeAndDequeue worker,
// whose next request comes a few promise steps later, was starved: it got 1
// job of 200 while the complete + dequeue workers took the rest.
describe("SQLite in one process: workers of both kinds share the connection fairly", () => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.dispose());

  it("a completeAndDequeue worker beside two complete + dequeue workers gets its share", { timeout: 180_000 }, async () => {
    database = await createSqliteDatabase("fairness");
    const db = database.open();
    await migrateToLatest(db);
    const producer = createKyselyJobQueue(db, { listen: false });
    await producer.enqueueParallel(Array.from({ length: 300 }, (_, i) => ({ workflowRunId: "r", stageId: `s${i}` })));

    const plain = async (workerId: string) => {
      const queue = createKyselyJobQueue(db, { workerId, listen: false });
      let done = 0;
      for (let job = await queue.dequeue(); job; job = await queue.dequeue()) {
        await queue.complete(job.jobId);
        done++;
      }
      return done;
    };
    const chained = async (workerId: string) => {
      const queue = createKyselyJobQueue(db, { workerId, listen: false });
      let done = 0;
      for (let job = await queue.dequeue(); job; job = await queue.completeAndDequeue(job.jobId)) done++;
      return done;
    };
    const counts = await Promise.all([plain("plain-1"), plain("plain-2"), chained("chained")]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    // Each takes two statements per job, so a fair share is a third; allow wide margins.
    for (const count of counts) expect(count).toBeGreaterThanOrEqual(60);
  });
});
