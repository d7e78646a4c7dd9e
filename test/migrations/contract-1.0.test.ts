import { sql, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { createKyselyBlobStore } from "../../src/blobs/kysely-blob-store.js";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { createKyselyJobQueue012 } from "../../src/queue/kysely-job-queue-0.12.js";
import { createKyselyWorkflowPersistence012 } from "../../src/persistence/kysely-workflow-persistence-0.12.js";
import { catalogDiff, ignoringColumnOrder } from "../support/catalog-diff.js";
import { catalogOf } from "../support/catalog-of.js";
import { applyRawSql, prismaMigrationsTableSql } from "../support/raw-sql.js";
import { referenceDdl, referenceDdlFolder } from "../support/reference-ddl.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

// The engine's 1.0 contract schema, by the library's own migrations: fresh, and
// upgraded from 0.1 and from 0.12 with their rows kept (duplicate job rows per
// run and stage collapsed to the newest). Compared with what Prisma makes from
// the 1.0 schema, whose optional workflow_blobs comes only with `blobStore: true`.
describe.skipIf(!referenceDdlFolder).each(DATABASE_TYPES)("the 1.0 contract schema on %s", (databaseType) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  async function fresh(label: string): Promise<TestDatabase> {
    const database = await createTestDatabase[databaseType](label);
    cleanup.push(() => database.dispose());
    return database;
  }
  async function prismaReference(options: { blobs: boolean }): Promise<TestDatabase> {
    const database = await fresh("ref-1-0");
    await applyRawSql(database, referenceDdl(databaseType, "1.0") + (options.blobs ? "" : ';\nDROP TABLE "workflow_blobs";'));
    return database;
  }
  const sameSchema = async (expected: TestDatabase, actual: TestDatabase) =>
    expect(catalogDiff(ignoringColumnOrder(await catalogOf(expected)), ignoringColumnOrder(await catalogOf(actual)))).toEqual([]);
  const rows = async <T>(db: Kysely<any>, query: string) => (await sql.raw<T>(query).execute(db)).rows;
  const count = async (db: Kysely<any>, table: string) => Number((await rows<{ n: unknown }>(db, `select count(*) as n from "${table}"`))[0]!.n);

  it("migrates a fresh database to exactly Prisma's 1.0 schema, workflow_blobs only with blobStore", async () => {
    const database = await fresh("fresh-1-0");
    const result = await migrateToLatest(database.open(), { target: "1.0", performanceIndexes: false });
    expect(result.applied).toEqual(["0001_init", "0002_contract_0_12", "0003_contract_1_0"]);
    await sameSchema(await prismaReference({ blobs: false }), database);

    const withBlobs = await fresh("fresh-1-0-blobs");
    const blobResult = await migrateToLatest(withBlobs.open(), { target: "1.0", performanceIndexes: false, blobStore: true });
    expect(blobResult.blobStoreApplied).toEqual(["blob-store/0001_kwp_blobs", "blob-store/0002_workflow_blobs"]);
    await sameSchema(await prismaReference({ blobs: true }), withBlobs);
  });

  it("upgrades a 0.1 database made by Prisma to exactly Prisma's 1.0 schema, every row kept", async () => {
    const database = await fresh("upgrade-0-1");
    await applyRawSql(database, referenceDdl(databaseType, "0.1"));
    const db = database.open();
    await migrateToLatest(db, { performanceIndexes: false });
    await sql`insert into workflow_runs ("id", "updatedAt", "workflowId", "workflowName", "workflowType", "input")
              values ('r1', ${at(databaseType, "2026-01-02T03:04:05.678Z")}, 'w', 'W', 't', ${databaseType === "postgresql" ? sql`'{"a":1}'::jsonb` : sql`'{"a":1}'`})`.execute(db);
    await createKyselyAICallLogger(db).logBatchResults("b", [
      { topic: "t", callType: "c", modelKey: "m", modelId: "x", prompt: "p", response: "r", inputTokens: 1, outputTokens: 2, cost: 0.5 },
    ]);

    expect((await migrateToLatest(db, { target: "1.0", performanceIndexes: false })).applied).toEqual([
      "0002_contract_0_12",
      "0003_contract_1_0",
    ]);
    await sameSchema(await prismaReference({ blobs: false }), database);
    expect(await rows(db, `select "id", "version", "redriveCount", "definitionVersion" from workflow_runs`)).toEqual([
      { id: "r1", version: 1, redriveCount: 0, definitionVersion: null },
    ]);
    expect(await rows(db, `select "cost", "batchId", "requestId", "estimatedCost", "costSource" from ai_calls`)).toEqual([
      { cost: 0.5, batchId: null, requestId: null, estimatedCost: null, costSource: null },
    ]);
  });

  it("upgrades a 0.12 database, keeping the newest job row per (run, stage) and every other row", async () => {
    const database = await fresh("upgrade-0-12");
    const db = database.open();
    await migrateToLatest(db, { target: "0.12", performanceIndexes: false });
    const persistence = createKyselyWorkflowPersistence012(db);
    const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
    await persistence.createStage({ workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1 });
    await persistence.appendOutboxEvents([{ workflowRunId: run.id, eventType: "e", payload: { k: 1 }, causationId: "c", occurredAt: new Date() }]);
    const queue = createKyselyJobQueue012(db, { listen: false });
    // 0.12 enqueues add a row per call: a stage enqueued three times (two reruns), another once.
    const older = await queue.enqueue({ workflowRunId: run.id, workflowId: "w", stageId: "s", payload: { n: 1 } });
    await queue.enqueue({ workflowRunId: run.id, workflowId: "w", stageId: "s", payload: { n: 2 } });
    const newest = await queue.enqueue({ workflowRunId: run.id, workflowId: "w", stageId: "s", payload: { n: 3 } });
    const other = await queue.enqueue({ workflowRunId: run.id, workflowId: "w", stageId: "t", payload: {} });
    // Same createdAt: the id decides, as the engine's guide orders them.
    await sql`update job_queue set "createdAt" = (select "createdAt" from job_queue where id = ${older})`.execute(db);
    const expectedSurvivor = await latestIdOf(db, run.id, "s");
    expect([older, newest]).not.toContain(undefined);

    const blobs = createKyselyBlobStore(db);
    await migrateToLatest(db, { target: "0.12", performanceIndexes: false, blobStore: true });
    await blobs.put("out/1", { big: ["value", 1, null], nested: { a: true } });

    const result = await migrateToLatest(db, { target: "1.0", performanceIndexes: false, blobStore: true });
    expect(result.applied).toEqual(["0003_contract_1_0"]);
    expect(result.blobStoreApplied).toEqual(["blob-store/0002_workflow_blobs"]);
    await sameSchema(await prismaReference({ blobs: true }), database);

    const jobs = await rows<{ id: string; stageId: string }>(db, `select "id", "stageId" from job_queue order by "stageId"`);
    expect(jobs).toEqual([{ id: expectedSurvivor, stageId: "s" }, { id: other, stageId: "t" }]);
    expect(await count(db, "workflow_runs")).toBe(1);
    expect(await count(db, "workflow_stages")).toBe(1);
    expect(await count(db, "outbox_events")).toBe(1);
    const [blob] = await rows<{ key: string; data: unknown }>(db, `select "key", "data" from workflow_blobs`);
    expect(blob!.key).toBe("out/1");
    expect(typeof blob!.data === "string" ? JSON.parse(blob!.data) : blob!.data).toEqual({ big: ["value", 1, null], nested: { a: true } });
    expect(await dialectSupportFor(databaseType).listTables(db)).not.toContain("kwp_blobs");

    // Contract versions only move up, and the advice names the contract the
    // database holds, whatever target was asked for (it said 0.12 to a
    // default-target call on a 1.0 database, then 1.0 to --target 0.12).
    for (const options of [{}, { target: "0.1" as const }, { target: "0.12" as const }]) {
      const error = await migrateToLatest(db, options).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toContain("holds the engine's 1.0 contract");
      expect(error.message).toContain('`kwp migrate --target 1.0` (or `await migrateToLatest(db, { target: "1.0" })`)');
      expect(error.message).toContain('"kysely-workflow-persistence/v1"');
      expect(error.message).not.toContain('target: "0.12"');
    }
    expect((await migrateToLatest(db, { target: "1.0", blobStore: true })).applied).toEqual([]);
  });

  it("adopts a 1.0 database Prisma made without migrations (db push): recorded, not rebuilt", async () => {
    const database = await prismaReference({ blobs: true });
    const db = database.open();
    const result = await migrateToLatest(db, { target: "1.0", performanceIndexes: false, blobStore: true });
    expect(result.adopted).toEqual(["0001_init", "0002_contract_0_12", "0003_contract_1_0"]);
    expect(result.applied).toEqual([]);
    await sameSchema(await prismaReference({ blobs: true }), database);
  });

  it("checks a Prisma-managed 1.0 database and writes nothing; a Prisma-managed 0.12 one is pointed at a Prisma migration", async () => {
    const at10 = await prismaReference({ blobs: true });
    await applyRawSql(at10, prismaMigrationsTableSql(databaseType));
    const db = at10.open();
    const tables = await dialectSupportFor(databaseType).listTables(db);
    expect(await migrateToLatest(db, { target: "1.0", blobStore: true })).toMatchObject({
      prismaManaged: true,
      adopted: ["0001_init", "0002_contract_0_12", "0003_contract_1_0"],
    });
    expect(await dialectSupportFor(databaseType).listTables(db)).toEqual(tables);

    const at012 = await fresh("prisma-0-12");
    await applyRawSql(at012, referenceDdl(databaseType, "0.12") + ";\n" + prismaMigrationsTableSql(databaseType));
    const error = await migrateToLatest(at012.open(), { target: "1.0" }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain("kwp prisma-migration --target");
  });
});

/** A naive UTC timestamp as each dialect stores it. */
function at(databaseType: string, iso: string) {
  return databaseType === "postgresql" ? sql`${iso}::timestamp` : sql`${iso.replace("T", " ").replace("Z", "")}`;
}

async function latestIdOf(db: Kysely<any>, runId: string, stageId: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`select "id" from job_queue where "workflowRunId" = ${runId} and "stageId" = ${stageId} order by "id" desc limit 1`.execute(db);
  return rows[0]!.id;
}
