import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { POSTGRES_SERVER_URL } from "./bench-database.js";

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgresql: string;
  sqlite: string;
  /** Versions of the packages measured, as installed. */
  packages: Record<string, string>;
  commit: string;
}

const MEASURED_PACKAGES = ["kysely", "pg", "better-sqlite3", "@prisma/client", "graphile-worker", "pg-boss"];

export async function describeMachine(): Promise<MachineDescription> {
  const client = new pg.Client({ connectionString: POSTGRES_SERVER_URL });
  await client.connect();
  const postgresql = (await client.query<{ server_version: string }>("show server_version")).rows[0]!.server_version;
  await client.end();
  const memory = new BetterSqlite3(":memory:");
  const sqlite = (memory.prepare("select sqlite_version() as v").get() as { v: string }).v;
  memory.close();
  const root = join(import.meta.dirname, "../..");
  const packages = Object.fromEntries(
    MEASURED_PACKAGES.map((name) => [name, JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version as string]),
  );
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgresql: postgresql.split(" ")[0]!,
    sqlite,
    packages,
    commit: currentCommit(root),
  };
}

/** The commit measured, marked "+changes" when the work tree differs from it. */
function currentCommit(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    return git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain", "--", "src", "bench") ? "+changes" : "");
  } catch {
    return "unknown";
  }
}
