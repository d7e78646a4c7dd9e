import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDatabaseUrl } from "../../database/open-database.js";
import { migrateToLatest } from "../../database/migrations/migrate.js";
import { getMigrationStatus, type MigrationStatusEntry } from "../../database/migrations/migration-status.js";
import { dialectMigrationsFolder } from "../../database/migrations/migrations-folder.js";
import { readSqlMigrationFiles } from "../../database/migrations/sql-migration-file.js";
import { KWP_BLOB_PRISMA_MODEL } from "../../blobs/blobs-table.js";
import { KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL } from "../../telemetry/job-trace-context.js";
import { counted, isAre } from "../../format/readable-values.js";
import { CliError, EXIT } from "../cli-errors.js";
import {
  prismaBlobStoreMigration,
  prismaTraceContextMigration,
  writePrismaBlobStoreMigration,
  writePrismaTraceContextMigration,
  prismaContractMigration,
  prismaPerformanceMigration,
  writePrismaContractMigration,
  writePrismaPerformanceMigration,
} from "../../database/migrations/prisma-migration-folder.js";
import { checkContractVersion, contractChain, DEFAULT_CONTRACT_VERSION, type ContractVersion } from "../../database/migrations/contract-versions.js";
import type { CliContext } from "../cli-context.js";
import { dialectSupportOf } from "../../database/query-context.js";
import { formatDate, table } from "../output.js";
import { confirm } from "../confirm.js";
import { PRISMA_MIGRATIONS_TABLE } from "../../database/migrations/prisma-managed-schema.js";
import { supersededJobs } from "../../database/migrations/superseded-jobs.js";

export interface MigrateCommandOptions {
  status?: boolean;
  sql?: boolean;
  performanceIndexes: boolean;
  /** The engine contract version: "0.1" (default), "0.12" or "1.0". */
  target?: string;
  /** Also the blob store table. */
  blobStore?: boolean;
  /** Also the jobs' trace context table (OpenTelemetry across the queue). */
  traceContext?: boolean;
  /** Confirms what the upgrade deletes without asking (the 1.0 upgrade's superseded job rows). */
  yes?: boolean;
}

export async function migrateCommand(cli: CliContext, options: MigrateCommandOptions): Promise<void> {
  const target = checkContractVersion(options.target ?? DEFAULT_CONTRACT_VERSION);
  if (options.sql) return printSql(cli, options.performanceIndexes, target, options.blobStore === true, options.traceContext === true);
  if (options.status) {
    // Without --target, the chain of the contract the database holds (a 0.12
    // database's upgrade files are applied, not pending to it).
    const status = await getMigrationStatus(cli.db, { target: options.target === undefined ? await cli.contract() : target });
    cli.output.result(status, () =>
      table(
        ["migration", "chain", "applied at", "state"],
        status.map((s) => [s.name, s.chain, formatDate(s.appliedAt), migrationState(s)]),
      ),
    );
    return;
  }
  if (!(await confirmSupersededJobs(cli, target, options.yes === true))) {
    cli.output.result({ migrated: false }, () => "nothing migrated");
    process.exitCode = 1;
    return;
  }
  const result = await migrateToLatest(cli.db, {
    target,
    performanceIndexes: options.performanceIndexes ? undefined : false,
    ...(options.blobStore ? { blobStore: true } : {}),
    ...(options.traceContext ? { traceContext: true } : {}),
  });
  cli.output.result(result, () => {
    const schema = dialectSupportOf(cli.db).schema;
    const lines = [
      `${cli.label} (${result.databaseType}${schema === undefined ? "" : `, schema ${schema}`}):`,
      `  applied:  ${result.applied.join(", ") || "nothing (up to date)"}`,
    ];
    if (result.adopted.length) {
      const how = result.prismaManaged ? "checked: tables complete, nothing recorded" : "tables already existed";
      lines.push(`  adopted:  ${result.adopted.join(", ")} (${how})`);
    }
    if (result.optionalApplied.length) lines.push(`  optional: ${result.optionalApplied.join(", ")}`);
    if (result.blobStoreApplied.length) lines.push(`  blob store: ${result.blobStoreApplied.join(", ")}`);
    if (result.traceContextApplied.length) lines.push(`  trace context: ${result.traceContextApplied.join(", ")}`);
    for (const notice of result.notices) lines.push(`  note: ${notice}`);
    return lines.join("\n");
  });
}

/** At most this many superseded job rows are listed before asking; the count covers all. */
const LISTED = 20;

/**
 * The 1.0 upgrade deletes all but the newest job row per (run, stage): shown
 * first, and deleted only when confirmed (a terminal asks, --yes confirms,
 * elsewhere it refuses). Nothing to ask on a database Prisma manages (the
 * migrator writes nothing there) or one without such rows.
 */
async function confirmSupersededJobs(cli: CliContext, target: ContractVersion, yes: boolean): Promise<boolean> {
  if (target !== "1.0") return true;
  const ctx = cli.queryContext();
  const tables = await ctx.dialect.listTables(ctx.db);
  if (!tables.includes("job_queue") || tables.includes(PRISMA_MIGRATIONS_TABLE) || (await cli.contract()) === "1.0") return true;
  const superseded = await supersededJobs(ctx);
  if (superseded.length === 0) return true;
  const running = superseded.filter((job) => job.status === "RUNNING").length;
  process.stderr.write(
    `The 1.0 schema has one job row per (run, stage). ${cli.label} has ${counted(superseded.length, "older row")} of pairs ` +
      `enqueued again since (reruns); the upgrade deletes them and keeps the newest of each` +
      (running > 0 ? `. ${running} of them ${isAre(running)} RUNNING: the worker holding ${running === 1 ? "it" : "one"} will see its acknowledgement fail` : "") +
      `:\n${table(
        ["job", "run", "stage", "status", "created"],
        superseded.slice(0, LISTED).map((job) => [job.id, job.workflowRunId, job.stageId, job.status, formatDate(job.createdAt)]),
      )}\n${superseded.length > LISTED ? `… and ${superseded.length - LISTED} more\n` : ""}`,
  );
  return confirm(`Delete ${superseded.length === 1 ? "this job row" : `these ${counted(superseded.length, "job row")}`} and upgrade?`, yes, "or kwp migrate --target 1.0 --sql to read the upgrade");
}

function migrationState(entry: MigrationStatusEntry): string {
  if (entry.modified) return "MODIFIED since applied";
  if (entry.appliedAt) return "applied";
  return entry.managedByPrisma ? "managed by Prisma (see prisma migrate status)" : "pending";
}

/** The SQL `migrate` would run for this URL's database, for DBAs who deploy it themselves. */
function printSql(cli: CliContext, includeOptional: boolean, target: ContractVersion, blobStore: boolean, traceContext: boolean): void {
  const { databaseType } = parseDatabaseUrl(cli.url);
  const folder = dialectMigrationsFolder(databaseType);
  const files = [
    ...contractChain(folder, target),
    ...(includeOptional ? readSqlMigrationFiles(join(folder, "optional"), "optional/") : []),
    ...(blobStore ? contractChain(join(folder, "blob-store"), target).map((file) => ({ ...file, checksumKey: `blob-store/${file.checksumKey}` })) : []),
    ...(traceContext ? readSqlMigrationFiles(join(folder, "trace-context"), "trace-context/") : []),
  ];
  const text = files
    .map((file) => `-- ===== ${databaseType}/${file.checksumKey} =====\n${readFileSync(file.path, "utf8").trimEnd()}\n`)
    .join("\n");
  cli.output.result({ databaseType, files: files.map((file) => ({ name: file.checksumKey, sql: file.sql })) }, () => text.trimEnd());
}

export interface PrismaMigrationCommandOptions {
  dir: string;
  dryRun?: boolean;
  /** Write the upgrade to this contract version instead of the performance migration. */
  target?: string;
  /** The contract the database holds (default: the one before --target). */
  from?: string;
  /** Write the blob store table instead of the performance migration. */
  blobStore?: boolean;
  /** Write the jobs' trace context table instead of the performance migration. */
  traceContext?: boolean;
}

/**
 * For a database Prisma manages: writes the optional performance migrations as
 * a Prisma migration folder for `prisma migrate deploy`. Needs no connection:
 * the URL only tells the dialect.
 */
export async function prismaMigrationCommand(cli: CliContext, options: PrismaMigrationCommandOptions): Promise<void> {
  const { databaseType } = parseDatabaseUrl(cli.url);
  const request = { databaseType, migrationsDir: options.dir };
  if (options.from !== undefined && options.target === undefined) throw new CliError("--from needs --target", EXIT.usage);
  const chosen = [options.target !== undefined && "--target", options.blobStore && "--blob-store", options.traceContext && "--trace-context"].filter(Boolean);
  if (chosen.length > 1) throw new CliError(`${chosen.join(" and ")} write different migrations: run the command once for each`, EXIT.usage);
  const migration =
    options.target !== undefined
      ? (options.dryRun ? prismaContractMigration : writePrismaContractMigration)({
          ...request,
          target: checkContractVersion(options.target),
          ...(options.from !== undefined ? { from: checkContractVersion(options.from) } : {}),
        })
      : options.blobStore
        ? (options.dryRun ? prismaBlobStoreMigration : writePrismaBlobStoreMigration)(request)
        : options.traceContext
          ? (options.dryRun ? prismaTraceContextMigration : writePrismaTraceContextMigration)(request)
          : (options.dryRun ? prismaPerformanceMigration : writePrismaPerformanceMigration)(request);
  cli.output.result({ databaseType, written: !options.dryRun, ...migration }, () =>
    options.dryRun
      ? migration.sql.trimEnd()
      : `wrote ${migration.file}\n` +
        (options.blobStore ? `add to schema.prisma:\n\n${KWP_BLOB_PRISMA_MODEL}\n` : "") +
        (options.traceContext ? `add to schema.prisma:\n\n${KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL}\n` : "") +
        "next: prisma migrate deploy (or prisma migrate dev) applies and records it",
  );
}
