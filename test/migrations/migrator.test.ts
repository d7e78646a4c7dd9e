import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { MigrationError, MigrationIntegrityError } from "../../src/errors.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { getMigrationStatus } from "../../src/database/migrations/migration-status.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { copyMigrations } from "../support/migrations-copy.js";
import { runChild } from "../support/spawn-child.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

const INIT = "0001_init";
const CLAIM_INDEX = "optional/0001_job_queue_pending_claim_index";
const NOTIFY_TRIGGER = "optional/0002_job_queue_notify_trigger";
/** The optional migrations each dialect has. */
const OPTIONAL = {
  sqlite: [CLAIM_INDEX, "optional/0002_ai_calls_stats_index", "optional/0003_workflow_runs_cost_index", "optional/0004_console_totals"],
  postgresql: [
    CLAIM_INDEX,
    NOTIFY_TRIGGER,
    "optional/0003_ai_calls_stats_index",
    "optional/0004_job_queue_notify_schema",
    "optional/0005_workflow_runs_cost_index",
    "optional/0006_console_totals",
    "optional/0007_workflow_runs_id_bytewise_index",
  ],
} as const;
const SPEC_TABLES = ["ai_calls", "job_queue", "workflow_artifacts", "workflow_logs", "workflow_runs", "workflow_stages"];

describe.each(DATABASE_TYPES)("migrator on %s", (databaseType) => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });
  async function fresh(): Promise<TestDatabase> {
    const database = await createTestDatabase[databaseType]("migrator");
    cleanup.push(() => database.dispose());
    return database;
  }
  const tablesOf = (db: Parameters<typeof migrateToLatest>[0]) => dialectSupportFor(databaseType).listTables(db);

  it("applies the default chain and the claim index on a fresh database, then nothing", async () => {
    const db = (await fresh()).open();
    const first = await migrateToLatest(db);
    expect(first).toMatchObject({
      databaseType,
      applied: [INIT],
      adopted: [],
      optionalApplied: OPTIONAL[databaseType],
      prismaManaged: false,
      notices: [],
    });
    expect(await tablesOf(db)).toEqual(expect.arrayContaining(SPEC_TABLES));
    const second = await migrateToLatest(db);
    expect(second).toMatchObject({ applied: [], adopted: [], optionalApplied: [] });

    const status = await getMigrationStatus(db);
    expect(status.map((s) => [s.name, s.chain, s.appliedAt instanceof Date, s.modified])).toEqual([
      [INIT, "default", true, false],
      ...OPTIONAL[databaseType].map((name) => [name, "optional", true, false]),
    ]);
  });

  it("leaves the claim index out when performanceIndexes is false, and adds it later on request", async () => {
    const db = (await fresh()).open();
    expect((await migrateToLatest(db, { performanceIndexes: false })).optionalApplied).toEqual([]);
    const status = await getMigrationStatus(db);
    expect(status.find((s) => s.name === CLAIM_INDEX)?.appliedAt).toBeNull();
    expect((await migrateToLatest(db)).optionalApplied).toEqual(OPTIONAL[databaseType]);
  });

  it("reports an applied migration file that was edited afterwards", async () => {
    const copy = copyMigrations();
    cleanup.push(() => copy.remove());
    const db = (await fresh()).open();
    await migrateToLatest(db, { migrationsFolder: copy.root });
    copy.edit(`${databaseType}/0001_init.sql`, (text) => text.replace("-- One execution of a workflow.", "-- edited"));

    const error = await migrateToLatest(db, { migrationsFolder: copy.root }).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationIntegrityError);
    expect(error.modifiedMigrations).toEqual(["0001_init.sql"]);
    expect(error.message).toContain("0001_init.sql");
    const status = await getMigrationStatus(db, { migrationsFolder: copy.root });
    expect(status.find((s) => s.name === INIT)?.modified).toBe(true);
  });

  it("does not flag a file whose only change is CRLF line endings", async () => {
    const copy = copyMigrations();
    cleanup.push(() => copy.remove());
    const db = (await fresh()).open();
    await migrateToLatest(db, { migrationsFolder: copy.root });
    copy.edit(`${databaseType}/0001_init.sql`, (text) => text.replace(/\n/g, "\r\n"));
    await expect(migrateToLatest(db, { migrationsFolder: copy.root })).resolves.toMatchObject({ applied: [] });
  });

  it("rolls a failing migration back whole and names it", async () => {
    const copy = copyMigrations();
    cleanup.push(() => copy.remove());
    copy.write(
      `${databaseType}/0002_broken.sql`,
      `CREATE TABLE "half_done" ("id" TEXT PRIMARY KEY);\nINSERT INTO "no_such_table" VALUES (1);\n`,
    );
    const db = (await fresh()).open();
    const error = await migrateToLatest(db, { migrationsFolder: copy.root }).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.migration).toBe("0002_broken");
    expect(error.message).toContain("0002_broken");
    expect(error.cause).toBeDefined();
    const tables = await tablesOf(db);
    expect(tables).not.toContain("half_done");
    // The pending migrations run in one transaction: 0001 is rolled back too,
    // and so is the migrator's bookkeeping (Kysely alone would keep its tables).
    expect(tables).not.toContain("workflow_runs");
    expect(tables.filter((table) => table.startsWith("kysely_"))).toEqual([]);
    const status = await getMigrationStatus(db, { migrationsFolder: copy.root });
    expect(status.filter((s) => s.appliedAt)).toEqual([]);
  });

  it("runs later files in file-name order, each once", async () => {
    const copy = copyMigrations();
    cleanup.push(() => copy.remove());
    const db = (await fresh()).open();
    await migrateToLatest(db, { migrationsFolder: copy.root });
    copy.write(`${databaseType}/0003_b.sql`, `CREATE TABLE "order_b" ("id" TEXT PRIMARY KEY);`);
    copy.write(
      `${databaseType}/0002_a.sql`,
      `CREATE TABLE "order_a" ("id" TEXT PRIMARY KEY);\n-- a semicolon in a comment; and in a string:\n` +
        `INSERT INTO "order_a" ("id") VALUES ('x;y');`,
    );
    expect((await migrateToLatest(db, { migrationsFolder: copy.root })).applied).toEqual(["0002_a", "0003_b"]);
    const rows = await sql<{ id: string }>`select "id" from "order_a"`.execute(db);
    expect(rows.rows).toEqual([{ id: "x;y" }]);
    expect((await migrateToLatest(db, { migrationsFolder: copy.root })).applied).toEqual([]);
  });

  it("lets several processes migrate one database at once", async () => {
    const database = await fresh();
    const results = await Promise.all(Array.from({ length: 4 }, () => runChild("migrate", [database.url])));
    for (const result of results) expect(result.stderr).toBe("");
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const outcomes = results.map((r) => JSON.parse(r.stdout));
    expect(outcomes.flatMap((o) => o.applied)).toEqual([INIT]);
    expect(outcomes.flatMap((o) => o.optionalApplied)).toEqual(OPTIONAL[databaseType]);
    const db = database.open();
    expect((await getMigrationStatus(db)).every((s) => s.appliedAt && !s.modified)).toBe(true);
  });
});
