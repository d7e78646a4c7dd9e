import { existsSync } from "node:fs";
import { sql, type LogEvent } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { NotFoundError } from "../../src/errors.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createSqliteDatabase, createTestDatabase, DATABASE_TYPES, postgresServerUrl, type TestDatabase } from "../support/test-databases.js";

// openDatabase's handles run prepared statements past Kysely's pipeline: on
// SQLite at once when nothing holds the connection, on PostgreSQL on a
// connection checked out of the pool. These are the ways that could go wrong:
// running inside someone else's transaction, hiding statements from a query
// log, leaving connections open after destroy().
describe("SQLite: statements run past Kysely's pipeline", () => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.dispose());

  async function migrated(): Promise<TestDatabase> {
    database = await createSqliteDatabase("direct");
    const setup = openDatabase(database.url);
    await migrateToLatest(setup);
    await setup.destroy();
    return database;
  }

  it("a call made while the application's transaction holds the connection waits for it to end", async () => {
    const db = (await migrated()).open();
    const persistence = createKyselyWorkflowPersistence(db);
    let pending: Promise<unknown> | undefined;
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`insert into workflow_runs (id, "workflowId", "workflowName", "workflowType", input, "updatedAt")
                  values ('inside', 'w', 'W', 't', '{}', '2026-01-01T00:00:00.000+00:00')`.execute(trx);
        // Not awaited: inside the transaction it would find the row and write into the transaction.
        pending = persistence.updateRun("inside", { status: "RUNNING" }).then(
          () => "updated",
          (error: unknown) => error,
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    // It ran after the rollback, on a table without the row.
    expect(await pending).toBeInstanceOf(NotFoundError);
    expect(await persistence.getRun("inside")).toBeNull();
  });
});


describe.each(DATABASE_TYPES)("%s: statements run past Kysely's pipeline", (databaseType) => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.dispose());

  async function migrated(): Promise<TestDatabase> {
    database = await createTestDatabase[databaseType]("direct");
    const setup = openDatabase(database.url);
    await migrateToLatest(setup);
    await setup.destroy();
    return database;
  }

  it("a handle with a query log sends every statement through Kysely, so the log sees them all", async () => {
    const { url } = await migrated();
    const logged: string[] = [];
    const db = openDatabase(url, { log: (event: LogEvent) => void logged.push(event.query.sql) });
    const persistence = createKyselyWorkflowPersistence(db);
    const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
    const before = logged.length;
    await persistence.updateRun(run.id, { status: "RUNNING" });
    await persistence.updateRun(run.id, { status: "COMPLETED" });
    expect(logged.length - before).toBe(2);
    expect(logged.slice(before).every((text) => /^update "workflow_runs"/.test(text))).toBe(true);
    await db.destroy();
  });

  it("destroy() closes the connections even when every statement ran past Kysely", async () => {
    const { url } = await migrated();
    const db = openDatabase(url);
    const persistence = createKyselyWorkflowPersistence(db);
    for (let i = 0; i < 3; i++) {
      await expect(persistence.updateRun(`missing-${i}`, { status: "RUNNING" })).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await openConnections(url)).toBeGreaterThan(0);
    await db.destroy();
    expect(await openConnections(url)).toBe(0);
    await expect(persistence.updateRun("missing", { status: "RUNNING" })).rejects.toThrow(/destroyed/);
  });
});

/**
 * SQLite: whether the file is open (the last connection to close checkpoints
 * the WAL and removes its file). PostgreSQL: the server's sessions on the database.
 */
async function openConnections(url: string): Promise<number> {
  if (url.startsWith("sqlite:")) return existsSync(`${url.slice("sqlite:".length)}-wal`) ? 1 : 0;
  const admin = openDatabase(postgresServerUrl());
  try {
    const name = new URL(url).pathname.slice(1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin);
    return rows[0]!.n;
  } finally {
    await admin.destroy();
  }
}
