import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { sleep } from "../conformance/backends.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

const runInput = { workflowId: "w", workflowName: "n", workflowType: "t", input: { order: 42 } };

// Enqueueing in the application's own transaction: the run, its first job and
// the application's own writes commit or roll back together.
describe.each(DATABASE_TYPES)("factories on the application's transaction (%s)", (databaseType) => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.dispose());
  async function migrated() {
    database = await createTestDatabase[databaseType]("app-transaction");
    const db = database.open();
    await migrateToLatest(db);
    return db;
  }

  it("a rollback leaves nothing: no run, no stage, no job", async () => {
    const db = await migrated();
    const failure = await db
      .transaction()
      .execute(async (trx) => {
        const persistence = createKyselyWorkflowPersistence(trx);
        const run = await persistence.createRun(runInput);
        // The library's own atomic step joins the application's transaction.
        await persistence.transaction(async (tx) => tx.createStage({ workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1 }));
        await createKyselyJobQueue(trx, { listen: false }).enqueue({ workflowRunId: run.id, stageId: "s" });
        throw new Error("the application's own write failed");
      })
      .catch((error: Error) => error);
    expect(failure?.message).toBe("the application's own write failed");
    for (const table of ["workflow_runs", "workflow_stages", "job_queue"] as const) {
      expect(await db.selectFrom(table).select("id").execute(), table).toEqual([]);
    }
  });

  it("a commit makes the run and its job visible, and wakes a waiting worker only then", { timeout: 180_000 }, async () => {
    const db = await migrated();
    const waiter = createKyselyJobQueue(database!.open(), { workerId: "waiter" });
    await waiter.waitForJobs(1); // connects the listener (PostgreSQL)
    let woken = false;
    const waiting = databaseType === "postgresql" ? waiter.waitForJobs(30_000).then(() => (woken = true)) : undefined;
    const observer = createKyselyWorkflowPersistence(database!.open());
    let runId = "";
    await db.transaction().execute(async (trx) => {
      runId = (await createKyselyWorkflowPersistence(trx).createRun(runInput)).id;
      await createKyselyJobQueue(trx, { listen: false }).enqueue({ workflowRunId: runId, stageId: "first" });
      await sleep(500);
      expect(woken).toBe(false); // NOTIFY is delivered at commit
      expect(await observer.getRun(runId)).toBeNull(); // not visible to others yet
    });
    await waiting;
    expect((await observer.getRun(runId))?.status).toBe("PENDING");
    expect((await waiter.dequeue())?.stageId).toBe("first");
    await waiter.close();
  });

  it("splits a batch over one statement's size inside the application's transaction, and rolls all of it back with it", async () => {
    const db = await migrated();
    const jobs = Array.from({ length: 1_001 }, (_, i) => ({ workflowRunId: "r", stageId: `s${i}` }));
    const failure = await db
      .transaction()
      .execute(async (trx) => {
        expect(await createKyselyJobQueue(trx, { listen: false }).enqueueParallel(jobs)).toHaveLength(1_001);
        throw new Error("roll back");
      })
      .catch((error: Error) => error);
    expect(failure?.message).toBe("roll back");
    expect(await db.selectFrom("job_queue").select("id").execute()).toEqual([]);
    await db.transaction().execute((trx) => createKyselyJobQueue(trx, { listen: false }).enqueueParallel(jobs));
    expect(await db.selectFrom("job_queue").select("id").execute()).toHaveLength(1_001);
  });

  it("refuses the calls that must not run on a transaction: waitForJobs and a buffering AI-call logger", async () => {
    const db = await migrated();
    await db.transaction().execute(async (trx) => {
      await expect(createKyselyJobQueue(trx).waitForJobs(10)).rejects.toBeInstanceOf(ConfigurationError);
      expect(() => createKyselyAICallLogger(trx)).toThrow(ConfigurationError);
    });
  });
});
