#!/usr/bin/env node
// Regenerates src/database/schema.generated.ts with kysely-codegen from a
// PostgreSQL database migrated by the default migration chain, or with --check
// fails when the committed file differs from a fresh generation.
//
// The PostgreSQL server: CODEGEN_DATABASE_URL, else TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres. A temporary database is created
// on it and dropped afterwards.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outFile = process.env.KWP_CODEGEN_OUT_FILE ?? join(root, "src/database/schema.generated.ts");
const check = process.argv.includes("--check");
const serverUrl =
  process.env.CODEGEN_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";

const databaseName = `kwp_codegen_${process.pid}_${Date.now()}`;
const adminUrl = new URL(serverUrl);
for (const name of ["schema", "connection_limit", "pool_timeout", "pgbouncer"]) adminUrl.searchParams.delete(name);
const admin = new pg.Client({ connectionString: adminUrl.toString() });
await admin.connect();
await admin.query(`create database "${databaseName}"`);
const url = new URL(serverUrl);
url.pathname = `/${databaseName}`;
// Prisma's URL parameters (`?schema=`, `connection_limit`, …) mean nothing to pg or to
// this throw-away database: the generated types are the same in any schema.
for (const name of ["schema", "connection_limit", "pool_timeout", "pgbouncer"]) url.searchParams.delete(name);

let exitCode = 0;
try {
  const target = new pg.Client({ connectionString: url.toString() });
  await target.connect();
  try {
    const folder = join(root, "migrations/postgresql");
    for (const file of readdirSync(folder).filter((f) => f.endsWith(".sql")).sort()) {
      // A query without parameters goes through the simple protocol, which runs
      // every statement of the file.
      await target.query(readFileSync(join(folder, file), "utf8"));
    }
  } finally {
    await target.end();
  }
  const args = [
    join(root, "node_modules/kysely-codegen/dist/cli/bin.js"),
    "--dialect", "postgres",
    "--url", url.toString(),
    "--out-file", outFile,
    "--exclude-pattern", "kysely_migration*",
    "--log-level", "error",
  ];
  if (check) args.push("--verify");
  try {
    execFileSync(process.execPath, args, { stdio: "inherit", cwd: root });
  } catch {
    exitCode = 1;
    if (check) {
      console.error(
        `${outFile} is out of date with migrations/postgresql: run \`npm run codegen\`.`,
      );
    }
  }
} finally {
  await admin.query(`drop database if exists "${databaseName}" with (force)`);
  await admin.end();
}
process.exit(exitCode);
