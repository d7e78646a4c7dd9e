import type { Kysely, MigrationResultSet, MigratorProps } from "kysely";
import { Migrator } from "./kysely-migrator.js";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import {
  ConfigurationError,
  MigrationError,
  MigrationIntegrityError,
  WorkflowPersistenceError,
} from "../../errors.js";
import { checkPrismaManagedSchema, PRISMA_MIGRATIONS_TABLE, PRISMA_PERFORMANCE_REFUSAL } from "./prisma-managed-schema.js";
import type { DatabaseType, DialectSupport } from "../../dialects/dialect-support.js";
import { resolveDatabaseType } from "../../dialects/detect-database-type.js";
import { dialectSupportOf, libraryView } from "../query-context.js";
import { dialectMigrationsFolder, packagedMigrationsRoot } from "./migrations-folder.js";
import { findModifiedMigrations, readChecksums } from "./migration-checksums.js";
import { executeMigrationFile, SqlFileMigrationProvider } from "./sql-file-migration-provider.js";
import { readSqlMigrationFiles, type SqlMigrationFile } from "./sql-migration-file.js";
import { checkContractVersion, checkNotAhead, contractChain, DEFAULT_CONTRACT_VERSION, type ContractVersion } from "./contract-versions.js";

/** Kysely's own bookkeeping tables for the default chain (kysely-ctl uses the same). */
export const MIGRATION_TABLE = "kysely_migration";
export const MIGRATION_LOCK_TABLE = "kysely_migration_lock";
/** Bookkeeping for the opt-in files in `migrations/<dialect>/optional/`. */
export const OPTIONAL_MIGRATION_TABLE = "kysely_migration_optional";
export const OPTIONAL_MIGRATION_LOCK_TABLE = "kysely_migration_optional_lock";
/** Bookkeeping for this library's blob store table (`migrations/<dialect>/blob-store/`). */
export const BLOB_STORE_MIGRATION_TABLE = "kysely_migration_blob_store";
export const BLOB_STORE_MIGRATION_LOCK_TABLE = "kysely_migration_blob_store_lock";
const BLOB_STORE_FOLDER = "blob-store";
/** Bookkeeping for the jobs' trace context table (`migrations/<dialect>/trace-context/`). */
export const TRACE_CONTEXT_MIGRATION_TABLE = "kysely_migration_trace_context";
export const TRACE_CONTEXT_MIGRATION_LOCK_TABLE = "kysely_migration_trace_context_lock";
const TRACE_CONTEXT_FOLDER = "trace-context";
export { PRISMA_CLAIM_INDEX_HINT, PRISMA_MIGRATIONS_TABLE } from "./prisma-managed-schema.js";

export interface MigrateOptions {
  /** Detected from the Kysely instance when omitted; an explicit value must agree with it. */
  databaseType?: DatabaseType;
  /**
   * Apply the opt-in performance migrations (`migrations/<dialect>/optional/`),
   * today the job queue's claim index and the AI-call stats index (both) and
   * the enqueue notification trigger (PostgreSQL). Default: true. On a database
   * managed by Prisma (`_prisma_migrations` exists) nothing is ever written:
   * `true` is refused there, and `writePrismaPerformanceMigration` (`kwp
   * prisma-migration`) writes them as a Prisma migration folder instead.
   */
  performanceIndexes?: boolean;
  /** A folder holding `postgresql/` and `sqlite/`; defaults to the package's own `migrations/`. */
  migrationsFolder?: string;
  /**
   * PostgreSQL: the schema to create the tables in (created when missing), for
   * a Kysely instance you built yourself; openDatabase's handle already knows it.
   */
  schema?: string;
  /**
   * The engine contract's schema to bring the database to: "0.1" (the default,
   * unchanged) or "0.12", which upgrades a 0.1 database in place, rows kept
   * (`migrations/<dialect>/contract-0.12/`). A database already at 0.12 must
   * be migrated with target "0.12" (ConfigurationError otherwise).
   */
  target?: ContractVersion;
  /**
   * Also create this library's blob store table (`kwp_blobs`,
   * `migrations/<dialect>/blob-store/`), for createKyselyBlobStore. Not part
   * of the engine's schema; default false. On a database Prisma manages, the
   * table must come from Prisma (the KwpBlob model block in docs/kysely-apps.md, or `kwp
   * prisma-migration --blob-store`): it is only checked there.
   */
  blobStore?: boolean;
  /**
   * Also create the table of the jobs' trace context (`kwp_job_trace_context`,
   * `migrations/<dialect>/trace-context/`), through which an OpenTelemetry
   * trace crosses the queue (docs/observability.md). Not part of the
   * engine's schema; default false. On a database Prisma manages it comes from
   * Prisma (`kwp prisma-migration --trace-context`) and is only checked here.
   */
  traceContext?: boolean;
}

export interface MigrateResult {
  databaseType: DatabaseType;
  /** Migrations of the default chain run by this call. */
  applied: string[];
  /**
   * Migrations recorded as applied because their tables already existed (e.g.
   * created by a DBA from these files). On a Prisma-managed database: the
   * migrations whose tables were all found, checked and not recorded.
   */
  adopted: string[];
  /** Optional migrations run by this call (`optional/<name>`). */
  optionalApplied: string[];
  /** Blob store migrations run by this call (`blob-store/<name>`), with `blobStore: true`. */
  blobStoreApplied: string[];
  /** Trace context migrations run by this call (`trace-context/<name>`), with `traceContext: true`. */
  traceContextApplied: string[];
  /** True when `_prisma_migrations` exists: the schema was checked and nothing was written. */
  prismaManaged: boolean;
  /** Things the caller should tell a person, e.g. the Prisma `@@index` to add. */
  notices: string[];
}

/** Files of both chains for one database type and contract version. */
interface MigrationFiles {
  /** `migrations/<dialect>/`. */
  folder: string;
  target: ContractVersion;
  /** The chain of the target contract version. */
  defaultChain: SqlMigrationFile[];
  optional: SqlMigrationFile[];
  blobStore: SqlMigrationFile[];
  traceContext: SqlMigrationFile[];
}

function loadMigrationFiles(databaseType: DatabaseType, options: MigrateOptions): MigrationFiles {
  const folder = dialectMigrationsFolder(databaseType, options.migrationsFolder ?? packagedMigrationsRoot());
  const target = checkContractVersion(options.target ?? DEFAULT_CONTRACT_VERSION);
  return {
    folder,
    target,
    defaultChain: contractChain(folder, target),
    optional: readSqlMigrationFiles(join(folder, "optional"), "optional/"),
    blobStore: contractChain(join(folder, BLOB_STORE_FOLDER), target).map((file) => ({
      ...file,
      checksumKey: `${BLOB_STORE_FOLDER}/${file.checksumKey}`,
    })),
    traceContext: readSqlMigrationFiles(join(folder, TRACE_CONTEXT_FOLDER), `${TRACE_CONTEXT_FOLDER}/`),
  };
}

type Chain = "default" | "optional" | "blob-store" | "trace-context";

/** Each chain's bookkeeping tables in Kysely's Migrator. */
const CHAIN_TABLES: Record<Chain, Pick<MigratorProps, "migrationTableName" | "migrationLockTableName" | "allowUnorderedMigrations">> = {
  default: { migrationTableName: MIGRATION_TABLE, migrationLockTableName: MIGRATION_LOCK_TABLE },
  // Optional files are opt-in one by one, so their order of application varies.
  optional: { migrationTableName: OPTIONAL_MIGRATION_TABLE, migrationLockTableName: OPTIONAL_MIGRATION_LOCK_TABLE, allowUnorderedMigrations: true },
  "blob-store": { migrationTableName: BLOB_STORE_MIGRATION_TABLE, migrationLockTableName: BLOB_STORE_MIGRATION_LOCK_TABLE },
  "trace-context": { migrationTableName: TRACE_CONTEXT_MIGRATION_TABLE, migrationLockTableName: TRACE_CONTEXT_MIGRATION_LOCK_TABLE },
};

function migratorProps(db: Kysely<any>, provider: SqlFileMigrationProvider, chain: Chain, schema: string | undefined): MigratorProps {
  return {
    db,
    provider,
    // The bookkeeping lives beside the tables (Kysely creates the schema when missing).
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
    ...CHAIN_TABLES[chain],
  };
}

/**
 * Kysely's Migrator, with every run made atomic and exclusive through the
 * dialect (see DialectSupport.runMigrationTransaction): on SQLite, Kysely alone
 * would run the statements outside a transaction and without a lock.
 */
class ExclusiveMigrator extends Migrator {
  readonly #props: MigratorProps;
  readonly #support: DialectSupport;

  constructor(props: MigratorProps, support: DialectSupport) {
    super(props);
    this.#props = props;
    this.#support = support;
  }

  override migrateToLatest(): Promise<MigrationResultSet> {
    return this.#exclusively((migrator) => migrator.migrateToLatest());
  }

  override migrateTo(target: Parameters<Migrator["migrateTo"]>[0]): Promise<MigrationResultSet> {
    return this.#exclusively((migrator) => migrator.migrateTo(target));
  }

  override migrateUp(): Promise<MigrationResultSet> {
    return this.#exclusively((migrator) => migrator.migrateUp());
  }

  override migrateDown(): Promise<MigrationResultSet> {
    return this.#exclusively((migrator) => migrator.migrateDown());
  }

  #exclusively(run: (migrator: Migrator) => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
    return this.#support.runMigrationTransaction(this.#props.db, async (db, inTransaction) => {
      const resultSet = await run(new Migrator({ ...this.#props, db, disableTransactions: inTransaction }));
      return { value: resultSet, commit: resultSet.error === undefined };
    });
  }
}

function migratorFor(
  db: Kysely<any>,
  provider: SqlFileMigrationProvider,
  chain: Chain,
  support: DialectSupport,
): Migrator {
  return new ExclusiveMigrator(migratorProps(db, provider, chain, support.schema), support);
}

/**
 * A Kysely `Migrator` over the default chain of `.sql` files, for kysely-ctl
 * (`kysely.config.ts`) and for callers that want Kysely's migrator API itself.
 */
export function createMigrator(db: Kysely<any>, options: MigrateOptions = {}): Migrator {
  const databaseType = resolveDatabaseType(db, options.databaseType);
  const support = dialectSupportOf(db, databaseType, options.schema);
  const files = loadMigrationFiles(databaseType, options);
  return migratorFor(libraryView(db, support), new SqlFileMigrationProvider(files.defaultChain, support), "default", support);
}

/**
 * Brings the database to the latest schema: the default chain (exactly the
 * Prisma schema), adopting tables that already exist, then the optional
 * performance migrations unless they are turned off. Safe to call from
 * several processes at once. A database managed by Prisma is only checked
 * (complete, or PartialSchemaError): `prisma migrate` owns it, and any table
 * or index written here would be drift that Prisma offers to fix by
 * resetting the schema.
 *
 * @throws MigrationIntegrityError when an applied file was edited since.
 * @throws PartialSchemaError when only some of a migration's tables exist.
 * @throws MigrationError when a statement fails (the database error is its `cause`).
 *
 * @example
 * ```ts
 * const result = await migrateToLatest(db); // the engine's 0.1 schema, then the performance indexes
 * console.log(result.applied); // e.g. ["0001_init"]
 * await migrateToLatest(db, { target: "0.12" }); // upgrades to the 0.12 contract, rows kept
 * ```
 */
export async function migrateToLatest(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrateResult> {
  const databaseType = resolveDatabaseType(db, options.databaseType);
  const support = dialectSupportOf(db, databaseType, options.schema);
  const files = loadMigrationFiles(databaseType, options);
  // The application's plugins never touch migrations; a named schema is named in every statement.
  const scoped = libraryView(db, support);
  return retryTransientLockErrors(support, () => migrateOnce(scoped, databaseType, support, files, options));
}

async function migrateOnce(
  db: Kysely<any>,
  databaseType: DatabaseType,
  support: DialectSupport,
  files: MigrationFiles,
  options: MigrateOptions,
): Promise<MigrateResult> {
  const tables = await support.listTables(db);
  const modified = findModifiedMigrations(
    [...files.defaultChain, ...files.optional, ...files.blobStore, ...files.traceContext],
    await readChecksums(db, tables),
  );
  if (modified.length > 0) throw new MigrationIntegrityError(modified);

  if (tables.includes(PRISMA_MIGRATIONS_TABLE)) {
    if (options.performanceIndexes === true) throw new ConfigurationError(PRISMA_PERFORMANCE_REFUSAL);
    const checked = await checkPrismaManagedSchema(db, support, tables, files.defaultChain);
    if (options.blobStore === true) await checkPrismaManagedSchema(db, support, tables, files.blobStore);
    if (options.traceContext === true) await checkPrismaManagedSchema(db, support, tables, files.traceContext);
    return { databaseType, applied: [], optionalApplied: [], blobStoreApplied: [], traceContextApplied: [], prismaManaged: true, ...checked };
  }
  if (tables.includes(MIGRATION_TABLE)) checkNotAhead(files.folder, files.target, await appliedNames(db, MIGRATION_TABLE));

  const defaultProvider = new SqlFileMigrationProvider(files.defaultChain, support);
  const defaultResults = await runMigrator(migratorFor(db, defaultProvider, "default", support));
  // A contract upgrade may rebuild tables (SQLite), dropping the optional
  // indexes on them: put back the ones this database had (they are idempotent).
  if (defaultResults.length > 0 && tables.includes(OPTIONAL_MIGRATION_TABLE)) {
    await reapplyOptional(db, support, files.optional, await appliedNames(db, OPTIONAL_MIGRATION_TABLE));
  }
  // The same for the trace context's trigger on job_queue.
  if (defaultResults.length > 0 && tables.includes(TRACE_CONTEXT_MIGRATION_TABLE)) {
    await reapplyOptional(db, support, files.traceContext, await appliedNames(db, TRACE_CONTEXT_MIGRATION_TABLE));
  }
  const adopted = new Set(defaultProvider.adopted);
  const result: MigrateResult = {
    databaseType,
    applied: defaultResults.filter((name) => !adopted.has(name)),
    adopted: [...adopted],
    optionalApplied: [],
    blobStoreApplied: [],
    traceContextApplied: [],
    prismaManaged: false,
    notices: [],
  };

  if (options.blobStore === true) {
    const blobProvider = new SqlFileMigrationProvider(files.blobStore, support);
    const applied = await runMigrator(migratorFor(db, blobProvider, "blob-store", support));
    result.blobStoreApplied = applied.map((name) => `${BLOB_STORE_FOLDER}/${name}`);
  }

  if (options.traceContext === true) {
    const provider = new SqlFileMigrationProvider(files.traceContext, support);
    const applied = await runMigrator(migratorFor(db, provider, "trace-context", support));
    result.traceContextApplied = applied.map((name) => `${TRACE_CONTEXT_FOLDER}/${name}`);
  }

  if ((options.performanceIndexes ?? true) && files.optional.length > 0) {
    const optionalProvider = new SqlFileMigrationProvider(files.optional, support);
    const applied = await runMigrator(migratorFor(db, optionalProvider, "optional", support));
    result.optionalApplied = applied.map((name) => `optional/${name}`);
  }
  return result;
}

async function appliedNames(db: Kysely<any>, table: string): Promise<string[]> {
  return (await db.selectFrom(table).select("name").execute()).map((row) => String(row.name));
}

/** Runs the statements of the files recorded as applied again (optional, trace context: idempotent), in one transaction. */
async function reapplyOptional(db: Kysely<any>, support: DialectSupport, optional: readonly SqlMigrationFile[], applied: readonly string[]): Promise<void> {
  const files = optional.filter((file) => applied.includes(file.name));
  if (files.length === 0) return;
  await support.runMigrationTransaction(db, async (tx) => {
    for (const file of files) await executeMigrationFile(tx, support, file);
    return { value: undefined, commit: true };
  });
}

async function runMigrator(migrator: Migrator): Promise<string[]> {
  const resultSet: MigrationResultSet = await migrator.migrateToLatest();
  if (resultSet.error !== undefined) {
    const failed = resultSet.results?.find((r) => r.status === "Error")?.migrationName;
    const error = resultSet.error;
    if (error instanceof WorkflowPersistenceError) throw error;
    throw new MigrationError(
      failed
        ? `Migration ${failed} failed and was rolled back: ${(error as Error)?.message ?? String(error)}`
        : `Migrating failed: ${(error as Error)?.message ?? String(error)}`,
      failed,
      { cause: error },
    );
  }
  return (resultSet.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * Kysely runs migrations in a deferred transaction; on SQLite two processes
 * migrating the same file at once can both read and then both try to write, and
 * the loser gets SQLITE_BUSY without waiting. Its transaction was rolled back,
 * so running the whole step again is safe (it then finds the work done).
 */
async function retryTransientLockErrors<T>(support: DialectSupport, run: () => Promise<T>): Promise<T> {
  const maxAttempts = 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const lockError = support.isTransientLockError(error) ||
        (error instanceof MigrationError && support.isTransientLockError(error.cause));
      if (!lockError || attempt >= maxAttempts) throw error;
      await sleep(10 + Math.random() * 20 * Math.min(attempt, 10));
    }
  }
}
