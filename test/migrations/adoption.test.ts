import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, IncompatibleSchemaError, PartialSchemaError } from "../../src/errors.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { getMigrationStatus } from "../../src/database/migrations/migration-status.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packagedMigrationsRoot } from "../../src/database/migrations/migrations-folder.js";
import { catalogDiff } from "../support/catalog-diff.js";
import { catalogOf } from "../support/catalog-of.js";
import { applyRawSql, prismaMigrationsTableSql } from "../support/raw-sql.js";
import { referenceDdl, referenceDdlFolder } from "../support/reference-ddl.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

describe.each(DATABASE_TYPES)("adopting an existing database on %s", (databaseType) => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  async function fresh(): Promise<TestDatabase> {
    const database = await createTestDatabase[databaseType]("adopt");
    cleanup.push(() => database.dispose());
    return database;
  }
  const ourInitSql = () => readFileSync(join(packagedMigrationsRoot(), databaseType, "0001_init.sql"), "utf8");

  // Prisma reports any table it does not know (our bookkeeping included) as drift,
  // and `prisma migrate dev` then offers to reset the schema, losing every row.
  it.skipIf(!referenceDdlFolder)("checks a database Prisma manages and writes nothing to it, not even bookkeeping", async () => {
    const database = await fresh();
    await applyRawSql(database, referenceDdl(databaseType) + ";\n" + prismaMigrationsTableSql(databaseType));
    const before = await catalogOf(database);
    const db = database.open();
    const tablesBefore = await dialectSupportFor(databaseType).listTables(db);

    const result = await migrateToLatest(db);
    expect(result).toMatchObject({ applied: [], adopted: ["0001_init"], optionalApplied: [], prismaManaged: true });
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toContain("nothing was written");
    expect(result.notices[0]).toContain("kwp prisma-migration");
    expect(await dialectSupportFor(databaseType).listTables(db)).toEqual(tablesBefore);
    expect(catalogDiff(before, await catalogOf(database))).toEqual([]);

    expect(await migrateToLatest(db)).toMatchObject({ applied: [], adopted: ["0001_init"], optionalApplied: [] });
    const status = await getMigrationStatus(db);
    expect(status.find((s) => s.name === "0001_init")).toMatchObject({ appliedAt: null, managedByPrisma: true, modified: false });
    expect(await dialectSupportFor(databaseType).listTables(db)).toEqual(tablesBefore);
  });

  it.skipIf(!referenceDdlFolder)("refuses performanceIndexes: true on a Prisma database, writing nothing", async () => {
    const database = await fresh();
    await applyRawSql(database, referenceDdl(databaseType) + ";\n" + prismaMigrationsTableSql(databaseType));
    const db = database.open();
    const tablesBefore = await dialectSupportFor(databaseType).listTables(db);
    const error = await migrateToLatest(db, { performanceIndexes: true }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain("kwp prisma-migration");
    expect(await dialectSupportFor(databaseType).listTables(db)).toEqual(tablesBefore);
  });

  it.skipIf(!referenceDdlFolder)("names the tables missing from a Prisma database instead of creating them", async () => {
    const database = await fresh();
    await applyRawSql(database, referenceDdl(databaseType) + `;\nDROP TABLE "ai_calls";\n` + prismaMigrationsTableSql(databaseType));
    const error = await migrateToLatest(database.open()).catch((e) => e);
    expect(error).toBeInstanceOf(PartialSchemaError);
    expect(error.missingTables).toEqual(["ai_calls"]);
  });

  it("mentions bookkeeping tables an earlier version left in a Prisma database", async () => {
    const database = await fresh();
    await applyRawSql(database, ourInitSql() + ";\n" + prismaMigrationsTableSql(databaseType) + `;\nCREATE TABLE "kysely_migration" ("name" varchar(255) primary key, "timestamp" varchar(255) not null);`);
    const result = await migrateToLatest(database.open());
    expect(result.notices[1]).toMatch(/kysely_migration were left by an earlier version/);
  });

  it("adopts tables a DBA created from our SQL files by hand, then adds the claim index", async () => {
    const database = await fresh();
    await applyRawSql(database, ourInitSql());
    const db = database.open();
    const result = await migrateToLatest(db);
    expect(result).toMatchObject({ applied: [], adopted: ["0001_init"], prismaManaged: false, notices: [] });
    expect(result.optionalApplied[0]).toBe("optional/0001_job_queue_pending_claim_index");
  });

  const TABLES_IN_FILE_ORDER = ["workflow_runs", "workflow_stages", "workflow_logs", "workflow_artifacts", "job_queue", "ai_calls"];

  it("refuses tables that merely share our names, naming table and column, and writes nothing", async () => {
    const database = await fresh();
    await applyRawSql(database, TABLES_IN_FILE_ORDER.map((table) => `CREATE TABLE "${table}" ("x" integer);`).join("\n"));
    const db = database.open();
    const tablesBefore = await dialectSupportFor(databaseType).listTables(db);
    const error = await migrateToLatest(db).catch((e) => e);
    expect(error).toBeInstanceOf(IncompatibleSchemaError);
    expect(error).toMatchObject({ migration: "0001_init", table: "workflow_runs", item: "id" });
    expect(error.message).toContain('table "workflow_runs" exists but has no column "id"');
    expect(await dialectSupportFor(databaseType).listTables(db)).toEqual(tablesBefore);
    expect((await getMigrationStatus(db)).every((s) => s.appliedAt === null)).toBe(true);
    // A later run still refuses: nothing was recorded as applied.
    await expect(migrateToLatest(db)).rejects.toBeInstanceOf(IncompatibleSchemaError);
  });

  it.each([
    ["a column of another type", (sql: string) => sql.replace(/"priority"(\s+)INTEGER NOT NULL DEFAULT 5/, '"priority"$1TEXT NOT NULL DEFAULT 5'), "workflow_runs", "priority", /is text|is TEXT/],
    ["a nullable column that must not be", (sql: string) => sql.replace(/"stageName"(\s+)TEXT NOT NULL/, '"stageName"$1TEXT'), "workflow_stages", "stageName", /is nullable, not NOT NULL/],
    ["a missing index", (sql: string) => sql + ';\nDROP INDEX "job_queue_workflowRunId_idx";', "job_queue", "job_queue_workflowRunId_idx", /has no index/],
  ])("refuses %s, naming it", async (_what, edit, table, item, problem) => {
    const database = await fresh();
    await applyRawSql(database, edit(ourInitSql()));
    const db = database.open();
    const error = await migrateToLatest(db).catch((e) => e);
    expect(error).toBeInstanceOf(IncompatibleSchemaError);
    expect(error).toMatchObject({ table, item });
    expect(error.message).toMatch(problem);
    expect((await getMigrationStatus(db)).every((s) => s.appliedAt === null)).toBe(true);
  });

  it("checks the shape of a Prisma-managed database's tables too", async () => {
    const database = await fresh();
    await applyRawSql(database, TABLES_IN_FILE_ORDER.map((table) => `CREATE TABLE "${table}" ("x" integer);`).join("\n") + prismaMigrationsTableSql(databaseType));
    await expect(migrateToLatest(database.open())).rejects.toBeInstanceOf(IncompatibleSchemaError);
  });

  it("refuses a half-created database, naming the missing tables, and records nothing", async () => {
    const database = await fresh();
    await applyRawSql(database, ourInitSql() + `;\nDROP TABLE "ai_calls";\nDROP TABLE "job_queue";`);
    const db = database.open();
    const error = await migrateToLatest(db).catch((e) => e);
    expect(error).toBeInstanceOf(PartialSchemaError);
    expect(error.missingTables).toEqual(["job_queue", "ai_calls"]);
    expect(error.message).toContain('"job_queue"');
    expect(error.message).toContain('"ai_calls"');
    expect((await getMigrationStatus(db)).every((s) => s.appliedAt === null)).toBe(true);
    const tables = await dialectSupportFor(databaseType).listTables(db);
    expect(tables).not.toContain("job_queue");
  });
});
