import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { applyRawSql, prismaMigrationsTableSql } from "../support/raw-sql.js";
import { referenceDdl, referenceDdlFolder } from "../support/reference-ddl.js";
import { createPostgresDatabase, type TestDatabase } from "../support/test-databases.js";

// Prisma users name their schema in the URL (`?schema=app`); applications keep
// tables of their own (here a `job_queue` of its own in public) beside ours.
describe("PostgreSQL tables in a schema other than public", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  async function databaseWithAppTable(): Promise<TestDatabase> {
    const database = await createPostgresDatabase("schema");
    cleanup.push(() => database.dispose());
    await applyRawSql(database, `create table public.job_queue (x integer); insert into public.job_queue values (42);`);
    return database;
  }
  const open = (url: string, options?: Parameters<typeof openDatabase>[1]) => {
    const db = openDatabase(url, options);
    cleanup.push(() => db.destroy());
    return db;
  };
  const tablesIn = async (database: TestDatabase, schema: string) => {
    const db = open(database.url);
    const { rows } = await sql<{ name: string }>`
      select table_name::text as name from information_schema.tables where table_schema = ${schema} order by 1`.execute(db);
    return rows.map((row) => row.name);
  };

  /** Every interface, once: a run, a stage, a job claimed and completed, an AI call. */
  async function exercise(db: ReturnType<typeof openDatabase>) {
    const persistence = createKyselyWorkflowPersistence(db);
    const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: { ok: 1 } });
    expect((await persistence.claimNextPendingRun())?.id).toBe(run.id);
    await persistence.upsertStage({ workflowRunId: run.id, stageId: "s", create: { stageName: "S", stageNumber: 1, executionGroup: 1 }, update: {} });
    await persistence.updateRun(run.id, { status: "COMPLETED" });
    const queue = createKyselyJobQueue(db, { workerId: "w1", listen: false });
    const jobId = await queue.enqueue({ workflowRunId: run.id, stageId: "s" });
    expect((await queue.dequeue())?.jobId).toBe(jobId);
    expect(await queue.completeAndDequeue(jobId)).toBeNull();
    expect(await queue.releaseStaleJobs(0)).toBe(0);
    const logger = createKyselyAICallLogger(db);
    logger.logCall({ topic: `wf.${run.id}`, callType: "c", modelKey: "m", modelId: "x/m", prompt: "p", response: "r", inputTokens: 2, outputTokens: 3, cost: 0.5 });
    expect((await logger.getStats("wf.")).totalCalls).toBe(1);
    await logger.close();
    return run.id;
  }

  it.skipIf(!referenceDdlFolder)("honours ?schema= on a database Prisma made there, writing nothing to public", async () => {
    const database = await databaseWithAppTable();
    const prismaDdl = referenceDdl("postgresql").replace('CREATE SCHEMA IF NOT EXISTS "public"', 'CREATE SCHEMA IF NOT EXISTS "app"');
    await applyRawSql(database, `create schema app; set search_path to app;\n${prismaDdl};\n${prismaMigrationsTableSql("postgresql")}`);
    const appTablesBefore = await tablesIn(database, "app");

    const db = open(`${database.url}?schema=app`);
    const result = await migrateToLatest(db);
    expect(result).toMatchObject({ prismaManaged: true, adopted: ["0001_init"], applied: [] });
    const runId = await exercise(db);

    expect(await tablesIn(database, "public")).toEqual(["job_queue"]);
    expect(await tablesIn(database, "app")).toEqual(appTablesBefore);
    const direct = open(database.url);
    const { rows } = await sql<{ status: string }>`select status::text from app.workflow_runs where id = ${runId}`.execute(direct);
    expect(rows).toEqual([{ status: "COMPLETED" }]);
    expect((await sql<{ x: number }>`select x from public.job_queue`.execute(direct)).rows).toEqual([{ x: 42 }]);
  });

  it("migrates into the schema named by openDatabase's option, creating it, and wakes waiting workers there", async () => {
    const database = await databaseWithAppTable();
    const db = open(database.url, { schema: "kwp" });
    const result = await migrateToLatest(db);
    expect(result.applied).toEqual(["0001_init"]);
    expect(result.optionalApplied).toContain("optional/0002_job_queue_notify_trigger");
    expect(await tablesIn(database, "public")).toEqual(["job_queue"]);
    expect(await tablesIn(database, "kwp")).toEqual(expect.arrayContaining(["workflow_runs", "job_queue", "kysely_migration", "kysely_migration_checksum"]));
    await exercise(db);
    expect(await migrateToLatest(db)).toMatchObject({ applied: [], optionalApplied: [] });

    const waiting = createKyselyJobQueue(db, { workerId: "waiter" });
    cleanup.push(() => waiting.close());
    await waiting.waitForJobs(1); // connects the listener
    const woken = waiting.waitForJobs(60_000).then(() => Date.now());
    const enqueuedAt = Date.now();
    await createKyselyJobQueue(open(database.url, { schema: "kwp" }), { listen: false }).enqueue({ workflowRunId: "r", stageId: "s" });
    expect((await woken) - enqueuedAt).toBeLessThan(30_000); // the notification, not the minute's timeout
  });

  // NOTIFY channels are database-wide; the trigger names the table's schema.
  it("wakes a waiting worker only for jobs enqueued in its own schema", async () => {
    const database = await databaseWithAppTable();
    const inA = open(database.url, { schema: "a" });
    const inB = open(database.url, { schema: "b" });
    await migrateToLatest(inA);
    await migrateToLatest(inB);
    const waiter = createKyselyJobQueue(inA, { workerId: "waiter" });
    cleanup.push(() => waiter.close());
    await waiter.waitForJobs(1); // connects the listener
    let woken = false;
    const waiting = waiter.waitForJobs(60_000).then(() => (woken = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await createKyselyJobQueue(inB, { listen: false }).enqueue({ workflowRunId: "r", stageId: "in-b" });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(woken).toBe(false);
    const enqueuedAt = Date.now();
    await createKyselyJobQueue(inA, { listen: false }).enqueue({ workflowRunId: "r", stageId: "in-a" });
    await waiting;
    expect(Date.now() - enqueuedAt).toBeLessThan(30_000); // the notification, not the minute's timeout
  });

  it("refuses a schema option that contradicts the URL, and a schema for SQLite", () => {
    expect(() => openDatabase("postgres://localhost/db?schema=app", { schema: "other" })).toThrow(ConfigurationError);
    expect(() => openDatabase(":memory:", { schema: "app" })).toThrow(/PostgreSQL only/);
  });
});
