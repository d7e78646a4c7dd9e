import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { catalogDiff } from "../support/catalog-diff.js";
import { catalogOf } from "../support/catalog-of.js";
import { copyMigrations, type MigrationsCopy } from "../support/migrations-copy.js";
import { applyRawSql } from "../support/raw-sql.js";
import { referenceDdl, referenceDdlFolder } from "../support/reference-ddl.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

// The exact-schema guarantee: a database built by our default migration chain has
// the same catalog as one built from the DDL Prisma generates for the spec's schema.
describe.skipIf(!referenceDdlFolder)("exact schema (against Prisma's reference DDL)", () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  async function database(databaseType: (typeof DATABASE_TYPES)[number]): Promise<TestDatabase> {
    const db = await createTestDatabase[databaseType]("exact");
    cleanup.push(() => db.dispose());
    return db;
  }

  async function migrated(
    databaseType: (typeof DATABASE_TYPES)[number],
    options: { performanceIndexes?: boolean; migrationsFolder?: string } = {},
  ): Promise<TestDatabase> {
    const target = await database(databaseType);
    const db = target.open();
    await migrateToLatest(db, { performanceIndexes: false, ...options });
    await db.destroy();
    return target;
  }

  async function referenceCatalog(databaseType: (typeof DATABASE_TYPES)[number]) {
    const reference = await database(databaseType);
    await applyRawSql(reference, referenceDdl(databaseType));
    return catalogOf(reference);
  }

  describe.each(DATABASE_TYPES)("%s", (databaseType) => {
    it("the default chain builds exactly the reference schema", async () => {
      const expected = await referenceCatalog(databaseType);
      const actual = await catalogOf(await migrated(databaseType));
      expect(catalogDiff(expected, actual)).toEqual([]);
      expect(actual).toEqual(expected);
    });

    it("the optional indexes are the only additions when performance indexes are on", async () => {
      const expected = await referenceCatalog(databaseType);
      const actual = await catalogOf(await migrated(databaseType, { performanceIndexes: true }));
      const diff = catalogDiff(expected, actual);
      const optionalIndexes = ["job_queue_pending_claim_idx", "ai_calls_topic_stats_idx", "workflow_runs_createdAt_costs_idx"];
      // optional/console_totals: tables of this library's own (and, on SQLite, the triggers the catalog lists).
      const optionalObjects = [...optionalIndexes, "kwp_run_totals", "kwp_ai_call_totals", ...(databaseType === "postgresql" ? ["kwp_run_total_changes", "kwp_ai_call_total_changes", "workflow_runs_id_bytewise_idx"] : ["_kwp_totals_"])];
      for (const name of optionalObjects) expect(diff.some((line) => line.includes(name)), name).toBe(true);
      expect(diff.filter((line) => !line.startsWith("+ ") || !optionalObjects.some((name) => line.includes(name)))).toEqual([]);
    });

    // Proves the comparison can fail: each edit of our migration must show up
    // as a difference naming what changed.
    const edits: Array<[string, (sql: string) => string, string]> = [
      ["a column default", (sql) => sql.replace(/("maxAttempts"\s+INTEGER NOT NULL DEFAULT) 3/, "$1 4"), "maxAttempts"],
      ["a column type", (sql) => sql.replace(/("cost"\s+)(DOUBLE PRECISION|REAL)/, "$1NUMERIC"), "cost"],
      ["a column's nullability", (sql) => sql.replace(/("errorMessage"\s+TEXT)/, "$1 NOT NULL"), "errorMessage"],
      ["an index", (sql) => sql.replace(/CREATE INDEX "ai_calls_modelKey_idx"[^;]*;/, ""), "ai_calls_modelKey_idx"],
      [
        "a foreign key action",
        (sql) =>
          sql.replace(
            /(REFERENCES "workflow_stages" \("id"\) ON DELETE) CASCADE/,
            "$1 SET NULL",
          ),
        "SET NULL",
      ],
    ];
    it.each(edits)("detects a changed %s", async (_what, edit, mentioned) => {
      const copy: MigrationsCopy = copyMigrations();
      cleanup.push(() => copy.remove());
      copy.edit(`${databaseType}/0001_init.sql`, edit);
      const expected = await referenceCatalog(databaseType);
      const actual = await catalogOf(await migrated(databaseType, { migrationsFolder: copy.root }));
      const diff = catalogDiff(expected, actual);
      expect(diff.length).toBeGreaterThan(0);
      // SQLite reports FK actions in upper case, PostgreSQL as a one-letter code
      // ('n' = SET NULL) next to the definition, which spells it out.
      expect(diff.join("\n")).toContain(mentioned);
    });
  });
});
