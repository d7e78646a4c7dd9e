import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import type { Database } from "../../src/database/database.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

/** A fresh, empty database of one dialect, private to the test that made it. */
export interface TestDatabase {
  databaseType: DatabaseType;
  /** URL accepted by openDatabase (and by child processes). */
  url: string;
  /** Opens another connection (pool) to the same database. */
  open(): Kysely<Database>;
  /** Closes what `open` opened and deletes the database. */
  dispose(): Promise<void>;
}

export function postgresServerUrl(): string {
  return inject("postgresUrl");
}

/** Creates an empty PostgreSQL database on the test server. */
export async function createPostgresDatabase(label = "test"): Promise<TestDatabase> {
  const name = `kwp_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresServerUrl() });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresServerUrl());
  url.pathname = `/${name}`;
  const opened: Kysely<Database>[] = [];
  return {
    databaseType: "postgresql",
    url: url.toString(),
    open() {
      const db = openDatabase(url.toString());
      opened.push(db);
      return db;
    },
    async dispose() {
      await Promise.all(opened.map((db) => db.destroy().catch(() => {})));
      const client = new pg.Client({ connectionString: postgresServerUrl() });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Creates a path for a new SQLite file in a private temporary folder. */
export async function createSqliteDatabase(label = "test"): Promise<TestDatabase> {
  const folder = mkdtempSync(join(tmpdir(), `kwp-${label}-`));
  const path = join(folder, "test.db");
  const opened: Kysely<Database>[] = [];
  return {
    databaseType: "sqlite",
    url: `sqlite:${path}`,
    open() {
      const db = openDatabase(`sqlite:${path}`);
      opened.push(db);
      return db;
    },
    async dispose() {
      await Promise.all(opened.map((db) => db.destroy().catch(() => {})));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export const createTestDatabase: Record<DatabaseType, (label?: string) => Promise<TestDatabase>> = {
  postgresql: createPostgresDatabase,
  sqlite: createSqliteDatabase,
};

export const DATABASE_TYPES: readonly DatabaseType[] = ["sqlite", "postgresql"];
