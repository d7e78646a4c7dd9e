import { Kysely, SqliteDialect } from "kysely";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { openDatabase } from "../../src/database/open-database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createPostgresDatabase } from "../support/test-databases.js";

describe("createKyselyWorkflowPersistence", () => {
  it("detects SQLite, so no databaseType is needed, and refuses a contradicting one at construction", async () => {
    const db = openDatabase(":memory:");
    try {
      await migrateToLatest(db);
      const persistence = createKyselyWorkflowPersistence(db);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: {} });
      expect(await persistence.claimNextPendingRun()).toMatchObject({ id: run.id, status: "RUNNING" });
      expect(() => createKyselyWorkflowPersistence(db, { databaseType: "postgresql" })).toThrow(ConfigurationError);
      expect(() => createKyselyWorkflowPersistence(db, { databaseType: "postgresql" })).toThrow(/contradicts the connection/);
      expect(() => createKyselyWorkflowPersistence(db, { databaseType: "sqlite" })).not.toThrow();
    } finally {
      await db.destroy();
    }
  });

  it("detects PostgreSQL and refuses databaseType sqlite", async () => {
    const database = await createPostgresDatabase("factory");
    try {
      const db = database.open();
      expect(() => createKyselyWorkflowPersistence(db, { databaseType: "sqlite" })).toThrow(/contradicts the connection, which is postgresql/);
      expect(() => createKyselyWorkflowPersistence(db)).not.toThrow();
    } finally {
      await database.dispose();
    }
  });

  it("works on a Kysely instance the application built itself", async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(":memory:") }) });
    try {
      await migrateToLatest(db);
      const persistence = createKyselyWorkflowPersistence(db);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: [1] });
      expect((await persistence.getRun(run.id))?.input).toEqual([1]);
    } finally {
      await db.destroy();
    }
  });
});
