import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { writePrismaContractMigration, writePrismaPerformanceMigration } from "../../src/database/migrations/prisma-migration-folder.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyWorkflowPersistence012 } from "../../src/persistence/kysely-workflow-persistence-0.12.js";
import { createKyselyWorkflowPersistence10 } from "../../src/persistence/kysely-workflow-persistence-1.0.js";
import { catalogDiff, ignoringColumnOrder } from "../support/catalog-diff.js";
import { applyRawSql } from "../support/raw-sql.js";
import { referenceDdl, referenceDdlFolder } from "../support/reference-ddl.js";
import { catalogOf } from "../support/catalog-of.js";
import { PrismaCliProject } from "../support/prisma-cli-project.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

const UP_TO_DATE = /Database schema is up to date!/;

// A Prisma user's database, managed by `prisma migrate`: after this library's
// migrator and after the performance migration folder it writes, Prisma's own
// CLI sees no drift.
describe.each(DATABASE_TYPES)("Prisma's tools on a database Prisma manages (%s)", (databaseType) => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  async function prismaProject() {
    const database = await createTestDatabase[databaseType]("drift");
    cleanup.push(() => database.dispose());
    const project = new PrismaCliProject(database);
    cleanup.push(() => project.dispose());
    await project.writeInitialMigration();
    await project.deploy();
    return { database, project };
  }

  it("sees no drift after migrateToLatest and the library's use, nor after the kwp_performance folder is deployed", { timeout: 180_000 }, async () => {
    const { database, project } = await prismaProject();
    expect(await project.prisma("migrate", "status")).toMatch(UP_TO_DATE);
    const catalogBefore = await catalogOf(database);
    const introspect = () => project.prisma("db", "pull", "--print");
    const introspectedBefore = databaseType === "sqlite" ? await introspect() : undefined;

    let db = database.open();
    const support = dialectSupportFor(databaseType);
    const tablesBefore = await support.listTables(db);
    const result = await migrateToLatest(db);
    expect(result).toMatchObject({ prismaManaged: true, applied: [], optionalApplied: [] });
    const persistence = createKyselyWorkflowPersistence(db);
    const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: {} });
    await createKyselyJobQueue(db, { listen: false }).enqueue({ workflowRunId: run.id, stageId: "s" });

    expect(await support.listTables(db)).toEqual(tablesBefore);
    expect(catalogDiff(catalogBefore, await catalogOf(database))).toEqual([]);
    expect(await project.prisma("migrate", "status")).toMatch(UP_TO_DATE);
    if (introspectedBefore !== undefined) expect(await introspect()).toBe(introspectedBefore);

    // Prisma's SQLite schema engine cannot apply a migration while another
    // connection has the file open in WAL mode (it fails with "SocketTimeout"):
    // a Prisma user runs `prisma migrate deploy` with the application stopped.
    await db.destroy();

    // The performance indexes, the Prisma way.
    const migration = writePrismaPerformanceMigration({ databaseType, migrationsDir: project.migrationsDir });
    expect(project.migrationNames()).toEqual(["20240101000000_init", migration.folder.split("/").pop()]);
    await project.deploy();
    expect(await project.prisma("migrate", "status")).toMatch(UP_TO_DATE);
    expect(JSON.stringify(await catalogOf(database))).toContain("job_queue_pending_claim_idx");

    // The same migrations deployed by Prisma alone give the same database.
    const { database: prismaOnly, project: prismaOnlyProject } = await prismaProject();
    writePrismaPerformanceMigration({ databaseType, migrationsDir: prismaOnlyProject.migrationsDir });
    await prismaOnlyProject.deploy();
    expect(catalogDiff(await catalogOf(prismaOnly), await catalogOf(database))).toEqual([]);
    if (databaseType === "sqlite") expect(await introspect()).toBe(await prismaOnlyProject.prisma("db", "pull", "--print"));
    db = database.open();
    expect(await migrateToLatest(db)).toMatchObject({ prismaManaged: true, applied: [], optionalApplied: [] });
  });

  // The engine's 0.12 contract on a Prisma-managed database: the library writes
  // the upgrade as a Prisma migration; Prisma applies it; the result is Prisma's
  // own 0.12 schema (columns compared by name) and Prisma sees it up to date.
  it.skipIf(!referenceDdlFolder)("upgrades to the 0.12 contract the Prisma way, rows kept", { timeout: 180_000 }, async () => {
    const { database, project } = await prismaProject();
    let db = database.open();
    const run = await createKyselyWorkflowPersistence(db).createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: { kept: true } });
    await db.destroy();
    const migration = writePrismaContractMigration({ databaseType, target: "0.12", migrationsDir: project.migrationsDir });
    expect(migration.folder).toMatch(/_kwp_contract_0_12$/);
    await project.deploy();
    expect(await project.prisma("migrate", "status")).toMatch(UP_TO_DATE);

    const reference = await createTestDatabase[databaseType]("drift-ref-0-12");
    cleanup.push(() => reference.dispose());
    await applyRawSql(reference, referenceDdl(databaseType, "0.12"));
    // Prisma's own bookkeeping table is the one difference from a database Prisma made at 0.12 directly.
    const diff = catalogDiff(ignoringColumnOrder(await catalogOf(reference)), ignoringColumnOrder(await catalogOf(database)));
    expect(diff.filter((line) => !line.includes("_prisma_migrations"))).toEqual([]);

    db = database.open();
    expect(await migrateToLatest(db, { target: "0.12" })).toMatchObject({ prismaManaged: true, applied: [] });
    expect((await createKyselyWorkflowPersistence012(db).getRun(run.id))?.input).toEqual({ kept: true });
  });

  // The engine's 1.0 contract, the Prisma way: from 0.1 through 0.12 (each
  // upgrade its own Prisma migration, the 1.0 one from 0.12 by default), and
  // from 0.1 to 1.0 in one migration (--from 0.1). The result is Prisma's own
  // 1.0 schema without the optional workflow_blobs, rows kept.
  it.skipIf(!referenceDdlFolder).each([
    ["0.12, then 1.0", [{ target: "0.12" }, { target: "1.0" }]],
    ["0.1 to 1.0 at once", [{ target: "1.0", from: "0.1" }]],
  ] as const)("upgrades to the 1.0 contract the Prisma way (%s), rows kept", { timeout: 180_000 }, async (_how, steps) => {
    const { database, project } = await prismaProject();
    let db = database.open();
    const run = await createKyselyWorkflowPersistence(db).createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: { kept: true } });
    await db.destroy();
    for (const [i, step] of steps.entries()) {
      const migration = writePrismaContractMigration({
        databaseType, migrationsDir: project.migrationsDir, now: new Date(Date.UTC(2030, 0, 1, 0, 0, i)), ...step,
      });
      expect(migration.folder).toMatch(new RegExp(`_kwp_contract_${step.target.replace(".", "_")}$`));
      await project.deploy();
    }
    expect(await project.prisma("migrate", "status")).toMatch(UP_TO_DATE);

    const reference = await createTestDatabase[databaseType]("drift-ref-1-0");
    cleanup.push(() => reference.dispose());
    await applyRawSql(reference, referenceDdl(databaseType, "1.0") + ';\nDROP TABLE "workflow_blobs";');
    const diff = catalogDiff(ignoringColumnOrder(await catalogOf(reference)), ignoringColumnOrder(await catalogOf(database)));
    expect(diff.filter((line) => !line.includes("_prisma_migrations"))).toEqual([]);

    db = database.open();
    expect(await migrateToLatest(db, { target: "1.0" })).toMatchObject({ prismaManaged: true, applied: [] });
    expect(await createKyselyWorkflowPersistence10(db).getRun(run.id)).toMatchObject({ input: { kept: true }, definitionVersion: null, redriveCount: 0 });
    await db.destroy();
  });
});
