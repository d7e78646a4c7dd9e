import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { benchMigrateOptions } from "./bench-schema.js";
import { openDatabase } from "../../src/database/open-database.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

/** Where benchmarks run: BENCH_DATABASE_URL's server, else the local PostgreSQL. */
export const POSTGRES_SERVER_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  databaseType: DatabaseType;
  url: string;
  /** SQLite: the file; PostgreSQL: the connection string. */
  target: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database (claim index included) for one measurement. */
export async function createBenchDatabase(databaseType: DatabaseType): Promise<BenchDatabase> {
  let database: BenchDatabase;
  if (databaseType === "postgresql") {
    const name = `kwp_bench_${randomBytes(4).toString("hex")}`;
    await adminQuery(`create database "${name}"`);
    const url = new URL(POSTGRES_SERVER_URL);
    url.pathname = `/${name}`;
    database = {
      databaseType,
      url: url.toString(),
      target: url.toString(),
      drop: () => adminQuery(`drop database if exists "${name}" with (force)`),
    };
  } else {
    const folder = mkdtempSync(join(tmpdir(), "kwp-bench-"));
    const file = join(folder, "bench.db");
    database = {
      databaseType,
      url: `sqlite:${file}`,
      target: file,
      drop: async () => rmSync(folder, { recursive: true, force: true }),
    };
  }
  const db = openDatabase(database.url);
  try {
    await migrateToLatest(db, benchMigrateOptions());
  } finally {
    await db.destroy();
  }
  return database;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_SERVER_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
