import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { TestDatabase } from "./test-databases.js";

/** Runs a multi-statement SQL script as a DBA would (psql -f / sqlite3 <), outside the library. */
export async function applyRawSql(database: TestDatabase, script: string): Promise<void> {
  if (database.databaseType === "postgresql") {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(script);
    } finally {
      await client.end();
    }
  } else {
    const db = new BetterSqlite3(database.url.slice("sqlite:".length));
    try {
      db.exec(script);
    } finally {
      db.close();
    }
  }
}

/** Prisma's bookkeeping table as `prisma migrate deploy` leaves it, with one applied migration. */
export function prismaMigrationsTableSql(databaseType: "postgresql" | "sqlite"): string {
  const timestamp = databaseType === "postgresql" ? "TIMESTAMPTZ" : "DATETIME";
  const now = databaseType === "postgresql" ? "now()" : "current_timestamp";
  return `
    CREATE TABLE "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" ${timestamp},
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" ${timestamp},
      "started_at" ${timestamp} NOT NULL DEFAULT ${now},
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count")
    VALUES ('00000000-0000-0000-0000-000000000001', 'ab', ${now}, '20240101000000_init', 1);`;
}

