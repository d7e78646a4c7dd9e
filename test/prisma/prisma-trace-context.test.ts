import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { writePrismaTraceContextMigration } from "../../src/database/migrations/prisma-migration-folder.js";
import { KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL } from "../../src/telemetry/job-trace-context.js";
import { catalogDiff } from "../support/catalog-diff.js";
import { catalogOf } from "../support/catalog-of.js";
import { PrismaCliProject } from "../support/prisma-cli-project.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

// Issue 32 item 2 on a database Prisma manages: the jobs' trace context table
// comes as a Prisma migration (kwp prisma-migration --trace-context) with the
// KwpJobTraceContext model block, is the very table Prisma makes from that
// block (plus the trigger on job_queue, which Prisma does not look at), and
// Prisma reports it up to date.

describe.each(DATABASE_TYPES)("the trace context on a database Prisma manages (%s)", (databaseType) => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  async function project(withModel: boolean) {
    const database = await createTestDatabase[databaseType]("trace-prisma");
    cleanup.push(() => database.dispose());
    const prisma = new PrismaCliProject(database);
    cleanup.push(() => prisma.dispose());
    if (withModel) appendFileSync(join(prisma.folder, "prisma/schema.prisma"), `\n${KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL}`);
    await prisma.writeInitialMigration();
    await prisma.deploy();
    return { database, prisma };
  }

  it("is Prisma's table for the model block, up to date for Prisma, only checked by the migrator", { timeout: 180_000 }, async () => {
    const { database: fromModel } = await project(true);
    const { database, prisma } = await project(false);
    writePrismaTraceContextMigration({ databaseType, migrationsDir: prisma.migrationsDir });
    appendFileSync(join(prisma.folder, "prisma/schema.prisma"), `\n${KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL}`);
    await prisma.deploy();
    expect(await prisma.prisma("migrate", "status")).toMatch(/Database schema is up to date!/);
    // The same table; SQLite's catalog also lists the trigger (PostgreSQL's lists none).
    const extra = catalogDiff(await catalogOf(fromModel), await catalogOf(database));
    expect(extra.filter((line) => !line.includes("job_queue_kwp_trace_context_delete"))).toEqual([]);

    const db = database.open();
    cleanup.push(() => db.destroy());
    expect(await migrateToLatest(db, { traceContext: true })).toMatchObject({ prismaManaged: true, traceContextApplied: [] });
    // Through a PrismaClient the same core writes and links the rows (test/telemetry, the prisma backends).
  });
});
