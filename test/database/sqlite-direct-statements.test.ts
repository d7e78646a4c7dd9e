import { existsSync } from "node:fs";
import { sql, type LogEvent } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { NotFoundError } from "../../src/errors.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createSqliteDatabase, type TestDatabase } from "../support/test-databases.js";

// openDatabase's SQLite handles run prepared statements on the connection at
// once, past Kysely's pipeline, when nothing holds the connection. These are
// the ways that could go wrong: running inside someone else's transaction,
// hiding statements from a query log, keeping the file open after destroy().
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

  it("destroy() closes the connection even when every statement ran past Kysely", async () => {
    const { url } = await migrated();
    const file = url.replace(/^sqlite:/, "");
    const db = openDatabase(url);
    const persistence = createKyselyWorkflowPersistence(db);
    for (let i = 0; i < 3; i++) {
      await expect(persistence.updateRun(`missing-${i}`, { status: "RUNNING" })).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(existsSync(`${file}-wal`)).toBe(true);
    await db.destroy();
    // The last connection to close checkpoints the WAL and removes its file.
    expect(existsSync(`${file}-wal`)).toBe(false);
    await expect(persistence.updateRun("missing", { status: "RUNNING" })).rejects.toThrow(/destroyed/);
  });
});
