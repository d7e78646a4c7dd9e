import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../../errors.js";
import type { DatabaseType } from "../../dialects/dialect-support.js";
import { dialectMigrationsFolder, packagedMigrationsRoot } from "./migrations-folder.js";
import { readSqlMigrationFiles } from "./sql-migration-file.js";
import { checkContractVersion, contractChain, CONTRACT_VERSIONS, type ContractVersion } from "./contract-versions.js";

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
  const files = readSqlMigrationFiles(join(dialectFolder(options), "optional"), "optional/");
  return prismaMigration(options, PRISMA_PERFORMANCE_MIGRATION_SUFFIX, "the performance migration", [
    "-- kysely-workflow-persistence: opt-in performance migrations, as a Prisma migration.",
    "-- Written by `kwp prisma-migration`; apply with `prisma migrate deploy`. Each part keeps its",
    "-- file's comment: what it is for and what it was measured to save.",
    ...sections(files),
  ]);
}

/** What a contract upgrade starts from: by default the version before the target. */
export interface PrismaContractMigrationOptions extends PrismaPerformanceMigrationOptions {
  target: ContractVersion;
  /** The contract the database holds now; default the one before `target` (0.1 for 0.12, 0.12 for 1.0). */
  from?: ContractVersion;
}

/**
 * The upgrade of a Prisma-managed database from one engine contract schema to
 * `target`'s, as one Prisma migration (`<timestamp>_kwp_contract_1_0`): the
 * same SQL the migrator runs elsewhere, rows kept. Once applied, switch
 * schema.prisma to the engine's models of that version; Prisma then sees no drift.
 */
export function prismaContractMigration(options: PrismaContractMigrationOptions): PrismaPerformanceMigration {
  const target = checkContractVersion(options.target);
  const targetIndex = CONTRACT_VERSIONS.indexOf(target);
  if (targetIndex === 0) throw new ConfigurationError(`contract ${target} is the schema of 0001_init: there is nothing to upgrade`);
  const from = options.from === undefined ? CONTRACT_VERSIONS[targetIndex - 1]! : checkContractVersion(options.from);
  if (CONTRACT_VERSIONS.indexOf(from) >= targetIndex) {
    throw new ConfigurationError(`from (${from}) must be an earlier contract than target (${target}): contract versions only move up`);
  }
  const base = new Set(contractChain(dialectFolder(options), from).map((file) => file.name));
  const files = contractChain(dialectFolder(options), target).filter((file) => !base.has(file.name));
  const suffix = `_kwp_contract_${target.replace(/\./g, "_")}`;
  return prismaMigration(options, suffix, `the contract ${target} upgrade`, [
    `-- kysely-workflow-persistence: the upgrade from the engine's ${from} contract schema to its ${target} one, as a Prisma migration.`,
    "-- Written by `kwp prisma-migration --target`; apply with `prisma migrate deploy`.",
    ...sections(files),
  ]);
}

/**
 * This library's blob store table as one Prisma migration
 * (`<timestamp>_kwp_blob_store`). Add the KwpBlob model block
 * (KWP_BLOB_PRISMA_MODEL, in docs/kysely-apps.md) to schema.prisma with it: its DDL is
 * the migration's, so Prisma then sees no drift.
 */
export function prismaBlobStoreMigration(options: PrismaPerformanceMigrationOptions): PrismaPerformanceMigration {
  return ownTableMigration(options, { folder: "blob-store", suffix: "_kwp_blob_store", what: "the blob store table (createKyselyBlobStore)", model: "KwpBlob" });
}

/**
 * The jobs' trace context table (OpenTelemetry across the queue) as one Prisma
 * migration (`<timestamp>_kwp_trace_context`), with its trigger on job_queue
 * (which Prisma does not look at). Add the KwpJobTraceContext model block
 * (KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL) to schema.prisma with it.
 */
export function prismaTraceContextMigration(options: PrismaPerformanceMigrationOptions): PrismaPerformanceMigration {
  return ownTableMigration(options, { folder: "trace-context", suffix: "_kwp_trace_context", what: "the jobs' trace context table (OpenTelemetry across the queue)", model: "KwpJobTraceContext" });
}

/** A table of this library's own (its `migrations/<dialect>/<folder>/` files) as one Prisma migration, written by `kwp prisma-migration --<folder>`. */
function ownTableMigration(options: PrismaPerformanceMigrationOptions, table: { folder: string; suffix: string; what: string; model: string }): PrismaPerformanceMigration {
  const files = readSqlMigrationFiles(join(dialectFolder(options), table.folder), `${table.folder}/`);
  return prismaMigration(options, table.suffix, `the ${table.folder.replace("-", " ")} migration`, [
    `-- kysely-workflow-persistence: ${table.what}, as a Prisma migration.`,
    `-- Written by \`kwp prisma-migration --${table.folder}\`; apply with \`prisma migrate deploy\`, with the ${table.model} model in schema.prisma.`,
    ...sections(files),
  ]);
}

/** Each file's SQL under a heading naming it. */
const sections = (files: ReadonlyArray<{ checksumKey: string; path: string }>): string[] =>
  files.map((file) => `\n-- ===== ${file.checksumKey} =====\n${readFileSync(file.path, "utf8").trimEnd()}`);

/** Writes the trace context's folder and returns what it wrote. */
export function writePrismaTraceContextMigration(options: PrismaPerformanceMigrationOptions): PrismaPerformanceMigration {
  return writeMigrationFolder(prismaTraceContextMigration(options));
}

/** Writes the blob store's folder and returns what it wrote. */
export function writePrismaBlobStoreMigration(options: PrismaPerformanceMigrationOptions): PrismaPerformanceMigration {
  return writeMigrationFolder(prismaBlobStoreMigration(options));
}

/** Writes the folder (built aside, then renamed into place) and returns what it wrote. */
export function writePrismaPerformanceMigration(options: PrismaPerformanceMigrationOptions): PrismaPerformanceMigration {
  return writeMigrationFolder(prismaPerformanceMigration(options));
}

/** Writes the contract upgrade's folder and returns what it wrote. */
export function writePrismaContractMigration(options: PrismaContractMigrationOptions): PrismaPerformanceMigration {
  return writeMigrationFolder(prismaContractMigration(options));
}

function writeMigrationFolder(migration: PrismaPerformanceMigration): PrismaPerformanceMigration {
  const staging = `${migration.folder}.tmp-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "migration.sql"), migration.sql);
  renameSync(staging, migration.folder);
  return migration;
}

function dialectFolder(options: PrismaPerformanceMigrationOptions): string {
  return dialectMigrationsFolder(options.databaseType, options.migrationsFolder ?? packagedMigrationsRoot());
}

/** A migration folder named `<timestamp><suffix>` in Prisma's migrations directory, written once. */
function prismaMigration(options: PrismaPerformanceMigrationOptions, suffix: string, what: string, lines: string[]): PrismaPerformanceMigration {
  const migrationsDir = options.migrationsDir ?? join("prisma", "migrations");
  const existing = existsSync(migrationsDir) ? readdirSync(migrationsDir).filter((name) => name.endsWith(suffix)) : [];
  if (existing.length > 0) throw new ConfigurationError(`${join(migrationsDir, existing[0]!)} already exists: ${what} is written once`);
  checkLockFile(migrationsDir, options.databaseType);
  const folder = join(migrationsDir, `${prismaTimestamp(options.now ?? new Date())}${suffix}`);
  return { folder, file: join(folder, "migration.sql"), sql: `${lines.join("\n")}\n` };
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
