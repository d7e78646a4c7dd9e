/**
 * The engine's 0.1 persistence contract over Kysely: open a PostgreSQL or
 * SQLite database (`openDatabase`), migrate it (`migrateToLatest`), and make
 * the engine's `WorkflowPersistence`, `JobQueue` and `AICallLogger` on it
 * (`createKyselyWorkflowPersistence`, `createKyselyJobQueue`,
 * `createKyselyAICallLogger`). For the engine's 0.12 contract, import
 * `kysely-workflow-persistence/v0.12`; for Prisma applications, `/prisma`.
 *
 * @example
 * ```ts
 * import { createKyselyWorkflowPersistence, migrateToLatest, openDatabase } from "kysely-workflow-persistence";
 *
 * const db = openDatabase("sqlite:./workflow.db");
 * await migrateToLatest(db);
 * const persistence = createKyselyWorkflowPersistence(db);
 * const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
 * ```
 *
 * @module kysely-workflow-persistence
 */

export { openDatabase, parseDatabaseUrl, type OpenDatabaseOptions, type ParsedDatabaseUrl } from "./database/open-database.js";
export type { PostgresPoolOptions } from "./dialects/postgres/postgres-settings.js";
export type { PostgresConnectionSettings } from "./dialects/postgres/postgres-settings.js";
export type { PostgresHost } from "./dialects/postgres/host-options.js";
export type { PostgresEndpoint, TargetSessionAttrs } from "./dialects/postgres/postgres-uri.js";
export type { SqliteConnectionOptions } from "./dialects/sqlite/sqlite-connection.js";
export type { Database } from "./database/database.js";
export type {
  AiCallsTable,
  JobQueueTable,
  WorkflowArtifactsTable,
  WorkflowLogsTable,
  WorkflowRunsTable,
  WorkflowStagesTable,
} from "./database/database.js";
export type { DatabaseType } from "./dialects/dialect-support.js";
export { detectDatabaseType } from "./dialects/detect-database-type.js";

export {
  migrateToLatest,
  createMigrator,
  PRISMA_CLAIM_INDEX_HINT,
  type MigrateOptions,
  type MigrateResult,
} from "./database/migrations/migrate.js";
export { getMigrationStatus, type MigrationStatusEntry } from "./database/migrations/migration-status.js";
export { CONTRACT_VERSIONS, type ContractVersion } from "./database/migrations/contract-versions.js";
export {
  prismaContractMigration,
  writePrismaContractMigration,
  prismaBlobStoreMigration,
  writePrismaBlobStoreMigration,
  prismaTraceContextMigration,
  writePrismaTraceContextMigration,
  prismaPerformanceMigration,
  writePrismaPerformanceMigration,
  type PrismaPerformanceMigration,
  type PrismaPerformanceMigrationOptions,
  type PrismaContractMigrationOptions,
} from "./database/migrations/prisma-migration-folder.js";
export { splitSqlStatements } from "./database/migrations/split-sql-statements.js";

export {
  createKyselyWorkflowPersistence,
  type KyselyWorkflowPersistenceOptions,
} from "./persistence/kysely-workflow-persistence.js";
export * from "./types.js";
// The engine's three interfaces (types.ts holds the values they speak in; the interfaces import them).
export type { WorkflowPersistence } from "./interfaces/workflow-persistence.js";
export type { JobQueue } from "./interfaces/job-queue.js";
export type { AICallLogger } from "./interfaces/ai-call-logger.js";
export {
  createKyselyJobQueue,
  defaultWorkerId,
  type KyselyJobQueueOptions,
} from "./queue/kysely-job-queue.js";
export { JOB_QUEUE_CHANNEL } from "./queue/job-notifications.js";
export {
  createKyselyAICallLogger,
  LoggerClosedError,
  type KyselyAICallLoggerOptions,
} from "./ai-calls/kysely-ai-call-logger.js";

export { createKyselyBlobStore, type KyselyBlobStoreOptions } from "./blobs/kysely-blob-store.js";
export type { BlobStore } from "./blobs/blob-store.js";
export { KWP_BLOB_PRISMA_MODEL, type KwpBlobsTable } from "./blobs/blobs-table.js";
export { KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL } from "./telemetry/job-trace-context.js";

export {
  WorkflowPersistenceError,
  ConflictError,
  ValidationError,
  NotFoundError,
  ConfigurationError,
  PartialSchemaError,
  IncompatibleSchemaError,
  MigrationIntegrityError,
  MigrationError,
  JobLeaseLostError,
  TransactionScopeError,
  SchemaMismatchError,
  DatabaseError,
  TransactionAbortedError,
  ConnectionError,
  CommitOutcomeUnknownError,
} from "./errors.js";
export type { RetryPolicy } from "./database/retry-policy.js";

export {
  createKyselyConsoleReadPort,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  type KyselyConsoleReadPortOptions,
  type KyselyConsoleReadPort,
} from "./console/kysely-console-read-port.js";
export type { ModelCost, ModelCostQuery } from "./console/model-costs.js";
export type { RunJob } from "./console/run-jobs.js";
export type { NewerRunsPage } from "./console/run-list-newer.js";
export type { RunError } from "./console/run-errors.js";
export type { StagePayloadName } from "./console/stage-payload.js";
export type { OverdueJob } from "./console/overdue-jobs.js";
export type { RunAICall, RunAICallsPage, RunAICallsQuery } from "./console/run-ai-calls.js";
export { ConsoleQueryTimeoutError } from "./console/console-errors.js";
export { CONSOLE_STATUSES, isConsoleStatus } from "./console/console-types.js";
export type * from "./console/console-types.js";
export { DEFAULT_RUN_LIMIT, MAX_LIMIT, clampLimit, encodeCursor, decodeCursor, type RunCursor } from "./console/console-cursor.js";
export {
  createWorkflowMetrics,
  type WorkflowMetrics,
  type WorkflowMetricsOptions,
  type WorkflowMetricsSnapshot,
} from "./metrics/workflow-metrics.js";
export { observeWorkflowMetrics, type ObservedWorkflowMetrics, type ObserveWorkflowMetricsOptions, type MeterLike, type BatchResult } from "./metrics/open-telemetry-metrics.js";
export { prometheusText, PROMETHEUS_CONTENT_TYPE, type MetricFamily } from "./metrics/prometheus-text.js";
