import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { catalogDiff, ignoringColumnOrder } from "../support/catalog-diff.js";
import { catalogOf } from "../support/catalog-of.js";
import { applyRawSql, prismaMigrationsTableSql } from "../support/raw-sql.js";
import { referenceDdl, referenceDdlFolder } from "../support/reference-ddl.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

// The engine's 0.12 contract schema, by the library's own migrations: fresh, and
// upgraded from 0.1 with its rows kept. Compared with what Prisma itself makes
// from the 0.12 schema (columns by name: an upgraded table keeps its order).
describe.skipIf(!referenceDdlFolder).each(DATABASE_TYPES)("the 0.12 contract schema on %s", (databaseType) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  async function fresh(label: string): Promise<TestDatabase> {
    const database = await createTestDatabase[databaseType](label);
    cleanup.push(() => database.dispose());
    return database;
  }
  async function prismaReference(): Promise<TestDatabase> {
    const database = await fresh("ref-0-12");
    await applyRawSql(database, referenceDdl(databaseType, "0.12"));
    return database;
  }
  const sameSchema = async (expected: TestDatabase, actual: TestDatabase) =>
    expect(catalogDiff(ignoringColumnOrder(await catalogOf(expected)), ignoringColumnOrder(await catalogOf(actual)))).toEqual([]);

  it("migrates a fresh database to exactly Prisma's 0.12 schema", async () => {
    const database = await fresh("fresh-0-12");
    const result = await migrateToLatest(database.open(), { target: "0.12", performanceIndexes: false });
    expect(result.applied).toEqual(["0001_init", "0002_contract_0_12"]);
    await sameSchema(await prismaReference(), database);
  });

  it("upgrades a 0.1 database made by Prisma, keeping every row, to exactly Prisma's 0.12 schema", async () => {
    const database = await fresh("upgrade-0-12");
    await applyRawSql(database, referenceDdl(databaseType, "0.1"));
    const db = database.open();
    await migrateToLatest(db, { performanceIndexes: false });
    const persistence = createKyselyWorkflowPersistence(db);
    const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: { keep: [1, "two"] } });
    const stage = await persistence.createStage({ workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1 });
    await persistence.createLog({ workflowRunId: run.id, workflowStageId: stage.id, level: "WARN", message: "kept" });
    await persistence.saveArtifact({ workflowRunId: run.id, workflowStageId: stage.id, key: "k", type: "METADATA", data: { a: 1 } });
    const jobId = await createKyselyJobQueue(db, { listen: false }).enqueue({ workflowRunId: run.id, stageId: "s", payload: { p: 1 } });
    await createKyselyAICallLogger(db).logBatchResults("b", [{ topic: "t", callType: "c", modelKey: "m", modelId: "x", prompt: "p", response: "r", inputTokens: 1, outputTokens: 2, cost: 0.5 }]);

    const result = await migrateToLatest(db, { target: "0.12", performanceIndexes: false });
    expect(result.applied).toEqual(["0002_contract_0_12"]);
    await sameSchema(await prismaReference(), database);

    const one = async <T>(query: string) => (await sql.raw<T>(query).execute(db)).rows[0]!;
    expect(await one(`select "version", "workflowId" from workflow_runs`)).toEqual({ version: 1, workflowId: "w" });
    expect(await one(`select "attempt", "version" from workflow_stages`)).toEqual({ attempt: 0, version: 1 });
    expect(await one(`select "level", "message" from workflow_logs`)).toEqual({ level: "WARN", message: "kept" });
    expect(await one(`select "type", "workflowStageId" from workflow_artifacts`)).toEqual({ type: "METADATA", workflowStageId: stage.id });
    const job = await one<{ id: string; payload: unknown }>(`select "id", "payload" from job_queue`);
    expect(job.id).toBe(jobId);
    expect(typeof job.payload === "string" ? JSON.parse(job.payload) : job.payload).toEqual({ p: 1 });
    expect(await one(`select count(*) as n from ai_calls`)).toMatchObject({ n: databaseType === "postgresql" ? "1" : 1 });
    // 0.12: deleting a stage keeps its artifacts, unlinked (its logs still go with it).
    await sql`delete from workflow_stages where id = ${stage.id}`.execute(db);
    expect(await one(`select "workflowStageId" from workflow_artifacts`)).toEqual({ workflowStageId: null });
    expect(await one(`select count(*) as n from workflow_logs`)).toMatchObject({ n: databaseType === "postgresql" ? "0" : 0 });

    // Contract versions only move up: the default target now refuses, naming the way.
    const error = await migrateToLatest(db).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('{ target: "0.12" }');
    expect((await migrateToLatest(db, { target: "0.12" })).applied).toEqual([]);
  });

  it("keeps the optional performance indexes a database had through the upgrade", async () => {
    const database = await fresh("upgrade-indexes");
    const db = database.open();
    await migrateToLatest(db);
    const indexesBefore = (await dialectSupportFor(databaseType).listIndexes(db)).filter((index) => /pending_claim|stats_idx/.test(index));
    expect(indexesBefore.length).toBe(2);
    await migrateToLatest(db, { target: "0.12" });
    expect((await dialectSupportFor(databaseType).listIndexes(db)).filter((index) => /pending_claim|stats_idx/.test(index)).sort()).toEqual(indexesBefore.sort());
  });

  it("checks a Prisma-managed 0.12 database and writes nothing; a Prisma-managed 0.1 one is pointed at a Prisma migration", async () => {
    const at012 = await prismaReference();
    await applyRawSql(at012, prismaMigrationsTableSql(databaseType));
    const db = at012.open();
    const tables = await dialectSupportFor(databaseType).listTables(db);
    expect(await migrateToLatest(db, { target: "0.12" })).toMatchObject({ prismaManaged: true, adopted: ["0001_init", "0002_contract_0_12"] });
    expect(await dialectSupportFor(databaseType).listTables(db)).toEqual(tables);

    const at01 = await fresh("prisma-0-1");
    await applyRawSql(at01, referenceDdl(databaseType, "0.1") + ";\n" + prismaMigrationsTableSql(databaseType));
    const error = await migrateToLatest(at01.open(), { target: "0.12" }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain("kwp prisma-migration --target");
  });

  it("refuses an unknown target", async () => {
    const database = await fresh("bad-target");
    await expect(migrateToLatest(database.open(), { target: "0.2" as never })).rejects.toThrow(/target must be one of "0.1", "0.12"/);
  });
});
