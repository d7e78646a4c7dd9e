/**
 * The engine's 0.12 persistence contract (0.13 changed no port), for a
 * database migrated with `migrateToLatest(db, { target: "0.12" })`. The
 * factories have the 0.1 entry's names and return the 0.12 interfaces
 * (versions, annotations, outbox, idempotency keys, jobs that name their
 * workflow); the query core is the same. Everything 0.12 did not change
 * (openDatabase, migrations, errors, the AI-call logger) is re-exported.
 *
 * @example
 * ```ts
 * import { createKyselyJobQueue, createKyselyWorkflowPersistence, migrateToLatest, openDatabase } from "kysely-workflow-persistence/v0.12";
 *
 * const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
 * await migrateToLatest(db, { target: "0.12" });
 * const persistence = createKyselyWorkflowPersistence(db);
 * const queue = createKyselyJobQueue(db); // calls inside persistence.withTransaction join it
 * ```
 *
 * @module kysely-workflow-persistence/v0.12
 */

import type { Database012 } from "./contracts/tables-0.12.js";

export { openDatabase012 as openDatabase } from "./database/typed-handles.js";
export {
  parseDatabaseUrl,
  migrateToLatest,
  createMigrator,
  getMigrationStatus,
  detectDatabaseType,
  createKyselyAICallLogger,
  LoggerClosedError,
  createKyselyBlobStore,
  KWP_BLOB_PRISMA_MODEL,
  KWP_JOB_TRACE_CONTEXT_PRISMA_MODEL,
  type BlobStore,
  type KyselyBlobStoreOptions,
  defaultWorkerId,
  JOB_QUEUE_CHANNEL,
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
  type RetryPolicy,
  type OpenDatabaseOptions,
  type MigrateOptions,
  type MigrateResult,
  type KyselyAICallLoggerOptions,
  type KyselyJobQueueOptions,
  type DatabaseType,
} from "./index.js";
/** The 0.12 schema: the type `openDatabase` from this entry is typed with. @group Schema types */
export type Database = Database012;
export type { Database012, WorkflowAnnotationsTable, OutboxEventsTable, IdempotencyKeysTable } from "./contracts/tables-0.12.js";
export type {
  Status,
  WorkflowStatus,
  WorkflowStageStatus,
  JobStatus,
  LogLevel,
  ArtifactType,
  WorkflowLogRecord,
  WorkflowArtifactRecord,
  CreateLogInput,
  SaveArtifactInput,
  CreateAICallInput,
  AIHelperStats,
  QueueStats,
} from "./types.js";
export type { AICallLogger } from "./interfaces/ai-call-logger.js";

export { StaleVersionError, type StaleVersionErrorClass } from "./contracts/stale-version-error.js";
export type * from "./interfaces/0.12/types.js";
export type { PersistenceCore, ArtifactPersistence, WorkflowPersistence } from "./interfaces/0.12/workflow-persistence.js";
export type { JobQueue } from "./interfaces/0.12/job-queue.js";
export {
  createKyselyWorkflowPersistence012 as createKyselyWorkflowPersistence,
  type KyselyWorkflowPersistence012Options as KyselyWorkflowPersistenceOptions,
} from "./persistence/kysely-workflow-persistence-0.12.js";
export { createKyselyJobQueue012 as createKyselyJobQueue } from "./queue/kysely-job-queue-0.12.js";
