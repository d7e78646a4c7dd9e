/**
 * The engine's 1.0 persistence contract (its 1.0.0-alpha line), for a
 * database migrated with `migrateToLatest(db, { target: "1.0" })`. The
 * factories have the other entries' names, plus the step ledger, and return
 * the 1.0 interfaces (definition versions, retention, the outbox claim, fenced
 * acknowledgements, fairness, the cost ledger); the legacy methods the 1.0
 * port dropped stay on the objects. The query core is the same. Everything
 * 1.0 did not change (openDatabase, migrations, errors) is re-exported.
 *
 * @example
 * ```ts
 * import {
 *   createKyselyJobQueue, createKyselyStepLedger, createKyselyWorkflowPersistence, migrateToLatest, openDatabase,
 * } from "kysely-workflow-persistence/v1";
 *
 * const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
 * await migrateToLatest(db, { target: "1.0" });
 * const persistence = createKyselyWorkflowPersistence(db);
 * const jobQueue = createKyselyJobQueue(db); // calls inside persistence.withTransaction join it
 * const stepLedger = createKyselyStepLedger(db); // and so do these
 * ```
 *
 * @module kysely-workflow-persistence/v1
 */

import type { Database10 } from "./contracts/tables-1.0.js";

export { openDatabase10 as openDatabase } from "./database/typed-handles.js";
export {
  parseDatabaseUrl,
  migrateToLatest,
  createMigrator,
  getMigrationStatus,
  detectDatabaseType,
  LoggerClosedError,
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
  type DatabaseType,
} from "./index.js";
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
  AIHelperStats,
  QueueStats,
} from "./types.js";
export type {
  AnnotationActor,
  AnnotationScope,
  WorkflowAnnotationRecord,
  CreateAnnotationInput,
  AnnotationFilters,
  OutboxRecord,
  CreateOutboxEventInput,
  IdempotencyRecord,
  AcquireIdempotencyKeyResult,
  AcquireIdempotencyKeyOptions,
  GetStagesByRunOptions,
} from "./interfaces/0.12/types.js";

export { StaleVersionError, type StaleVersionErrorClass } from "./contracts/stale-version-error.js";
export { LEASE_ABSOLUTE_CAP, LEASE_HEARTBEAT_LOST } from "./contracts/lease-tiers.js";
export type * from "./interfaces/1.0/types.js";
export type {
  PersistenceCore,
  WorkflowPersistence,
  LegacyPersistenceMethods,
  WorkflowPersistenceWithLegacy,
} from "./interfaces/1.0/workflow-persistence.js";
export type { JobQueue } from "./interfaces/1.0/job-queue.js";
export type { StepLedger, StepRecord, StepRecordPatch, StepRecordExpectation } from "./interfaces/1.0/step-ledger.js";
export type { AICallLogger } from "./interfaces/1.0/ai-call-logger.js";
/** The 1.0 schema: the type `openDatabase` from this entry is typed with. @group Schema types */
export type Database = Database10;
export type {
  Database10,
  AiCallCostColumns,
  WorkflowStepsTable,
  WorkflowDefinitionsTable,
  WorkflowBlobsTable,
} from "./contracts/tables-1.0.js";
export type { WorkflowAnnotationsTable, OutboxEventsTable, IdempotencyKeysTable } from "./contracts/tables-0.12.js";
export type { JsonValue, JsonArray, JsonObject, JsonPrimitive } from "./database/schema.generated.js";
export type {
  AiCallsTable,
  JobQueueTable,
  WorkflowArtifactsTable,
  WorkflowLogsTable,
  WorkflowRunsTable,
  WorkflowStagesTable,
} from "./database/database.js";

export {
  createKyselyWorkflowPersistence10 as createKyselyWorkflowPersistence,
  type KyselyWorkflowPersistence10Options as KyselyWorkflowPersistenceOptions,
} from "./persistence/kysely-workflow-persistence-1.0.js";
export {
  createKyselyJobQueue10 as createKyselyJobQueue,
  type KyselyJobQueue10Options as KyselyJobQueueOptions,
} from "./queue/kysely-job-queue-1.0.js";
export { createKyselyStepLedger, type KyselyStepLedgerOptions } from "./steps/kysely-step-ledger.js";
export { createKyselyAICallLogger10 as createKyselyAICallLogger } from "./ai-calls/kysely-ai-call-logger-1.0.js";
export { createKyselyBlobStore10 as createKyselyBlobStore } from "./blobs/kysely-blob-store.js";
