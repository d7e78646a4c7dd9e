import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../../errors.js";
import type { DatabaseType } from "../../dialects/dialect-support.js";
import { dialectMigrationsFolder, packagedMigrationsRoot } from "./migrations-folder.js";
import { readSqlMigrationFiles } from "./sql-migration-file.js";

/** The suffix of the folder's name; one such folder per migrations directory. */
export const PRISMA_PERFORMANCE_MIGRATION_SUFFIX = "_kwp_performance";

export interface PrismaPerformanceMigrationOptions {
  databaseType: DatabaseType;
  /** Prisma's migrations directory; default `prisma/migrations` (relative to the working directory). */
  migrationsDir?: string;
  /** The migration's timestamp (its folder name); default now. */
  now?: Date;
  /** Where this library's `.sql` files are; default the package's own `migrations/`. */
  migrationsFolder?: string;
}

export interface PrismaPerformanceMigration {
  /** `<migrationsDir>/<timestamp>_kwp_performance`. */
  folder: string;
  /** The `migration.sql` inside it. */
  file: string;
  sql: string;
}

/**
 * The optional performance migrations (claim index, AI-call stats index, and
 * on PostgreSQL the enqueue notification trigger) as one Prisma migration, so
 * that on a database Prisma manages they arrive the Prisma way: applied by
 * `prisma migrate deploy` and recorded in `_prisma_migrations`, never as drift.
 */
export function prismaPerformanceMigration(options: PrismaPerformanceMigrationOptions): PrismaPerformanceMigration {
  const migrationsDir = options.migrationsDir ?? join("prisma", "migrations");
  const existing = existsSync(migrationsDir)
    ? readdirSync(migrationsDir).filter((name) => name.endsWith(PRISMA_PERFORMANCE_MIGRATION_SUFFIX))
    : [];
  if (existing.length > 0) {
    throw new ConfigurationError(`${join(migrationsDir, existing[0]!)} already exists: the performance migration is written once`);
  }
  checkLockFile(migrationsDir, options.databaseType);
  const folder = join(migrationsDir, `${prismaTimestamp(options.now ?? new Date())}${PRISMA_PERFORMANCE_MIGRATION_SUFFIX}`);
  const files = readSqlMigrationFiles(
    join(dialectMigrationsFolder(options.databaseType, options.migrationsFolder ?? packagedMigrationsRoot()), "optional"),
    "optional/",
  );
  const sql = [
    "-- kysely-workflow-persistence: opt-in performance migrations, as a Prisma migration.",
    "-- Written by `kwp prisma-migration`; apply with `prisma migrate deploy`. Each part keeps its",
    "-- file's comment: what it is for and what it was measured to save.",
    ...files.map((file) => `\n-- ===== ${file.checksumKey} =====\n${readFileSync(file.path, "utf8").trimEnd()}`),
  ].join("\n") + "\n";
  return { folder, file: join(folder, "migration.sql"), sql };
}

/** Writes the folder (built aside, then renamed into place) and returns what it wrote. */
export function writePrismaPerformanceMigration(options: PrismaPerformanceMigrationOptions): PrismaPerformanceMigration {
  const migration = prismaPerformanceMigration(options);
  const staging = `${migration.folder}.tmp-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "migration.sql"), migration.sql);
  renameSync(staging, migration.folder);
  return migration;
}

/** Prisma's migration folder timestamp: YYYYMMDDHHMMSS in UTC. */
function prismaTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** A migrations directory Prisma made for another provider is not ours to add SQLite (or PostgreSQL) SQL to. */
function checkLockFile(migrationsDir: string, databaseType: DatabaseType): void {
  const lockFile = join(migrationsDir, "migration_lock.toml");
  if (!existsSync(lockFile)) return;
  const provider = /provider\s*=\s*"([^"]+)"/.exec(readFileSync(lockFile, "utf8"))?.[1];
  const expected = databaseType === "postgresql" ? "postgresql" : "sqlite";
  if (provider !== undefined && provider !== expected) {
    throw new ConfigurationError(`${lockFile} says provider "${provider}", but the database URL is ${expected}`);
  }
}
