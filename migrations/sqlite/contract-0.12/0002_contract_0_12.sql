-- kysely-workflow-persistence · SQLite · contract-0.12/0002_contract_0_12
--
-- Brings the 0.1 schema (0001_init) to the schema of the workflow engine's 0.12
-- contract, keeping every row. Applied only when asked for
-- (`migrateToLatest(db, { target: "0.12" })`, `kwp migrate --target 0.12`); on an
-- empty database 0001 runs first, so a fresh 0.12 database is made the same way.
-- The engine never shipped an upgrade; this is ours. Deploy by hand after 0001,
-- in one transaction:  sqlite3 workflow.db < contract-0.12/0002_contract_0_12.sql
--
-- SQLite cannot change a column's nullability or a foreign key in place, so
-- workflow_artifacts (its stage link becomes ON DELETE SET NULL) and job_queue
-- (payload becomes nullable, without default) are rebuilt: created anew, rows
-- copied, the old table dropped, the new one renamed. Nothing references either
-- table, so no other table changes. Indexes on them are recreated here; indexes
-- of your own on these two tables must be recreated by you (the migrator
-- re-applies this library's optional indexes it had applied). After a rebuild,
-- `PRAGMA foreign_key_check` must report nothing (the migrator checks it before
-- committing). LogLevel and ArtifactType were already TEXT on SQLite.

ALTER TABLE "workflow_runs" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "workflow_runs" ADD COLUMN "metadata" JSONB;
DROP INDEX "workflow_runs_workflowType_idx";
DROP INDEX "workflow_runs_createdAt_idx";
CREATE INDEX "workflow_runs_workflowId_idx" ON "workflow_runs" ("workflowId");

ALTER TABLE "workflow_stages" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "workflow_stages" ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 0;

DROP INDEX "workflow_logs_createdAt_idx";
CREATE INDEX "workflow_logs_workflowStageId_idx" ON "workflow_logs" ("workflowStageId");

CREATE TABLE "workflow_artifacts_0_12" (
    "id"               TEXT NOT NULL PRIMARY KEY,
    "createdAt"        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"        DATETIME NOT NULL,
    "workflowRunId"    TEXT NOT NULL,
    "workflowStageId"  TEXT,
    "key"              TEXT NOT NULL,
    "type"             TEXT NOT NULL,
    "data"             JSONB NOT NULL,
    "size"             INTEGER NOT NULL,
    "metadata"         JSONB,
    CONSTRAINT "workflow_artifacts_workflowRunId_fkey" FOREIGN KEY ("workflowRunId")
        REFERENCES "workflow_runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "workflow_artifacts_workflowStageId_fkey" FOREIGN KEY ("workflowStageId")
        REFERENCES "workflow_stages" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "workflow_artifacts_0_12"
    ("id", "createdAt", "updatedAt", "workflowRunId", "workflowStageId", "key", "type", "data", "size", "metadata")
    SELECT "id", "createdAt", "updatedAt", "workflowRunId", "workflowStageId", "key", "type", "data", "size", "metadata"
    FROM "workflow_artifacts";
DROP TABLE "workflow_artifacts";
ALTER TABLE "workflow_artifacts_0_12" RENAME TO "workflow_artifacts";
CREATE INDEX "workflow_artifacts_workflowRunId_idx" ON "workflow_artifacts" ("workflowRunId");
CREATE UNIQUE INDEX "workflow_artifacts_workflowRunId_key_key" ON "workflow_artifacts" ("workflowRunId", "key");

CREATE TABLE "job_queue_0_12" (
    "id"             TEXT NOT NULL PRIMARY KEY,
    "createdAt"      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"      DATETIME NOT NULL,
    "workflowRunId"  TEXT NOT NULL,
    "stageId"        TEXT NOT NULL,
    "status"         TEXT NOT NULL DEFAULT 'PENDING',
    "priority"       INTEGER NOT NULL DEFAULT 5,
    "attempt"        INTEGER NOT NULL DEFAULT 0,
    "maxAttempts"    INTEGER NOT NULL DEFAULT 3,
    "workerId"       TEXT,
    "lockedAt"       DATETIME,
    "startedAt"      DATETIME,
    "completedAt"    DATETIME,
    "nextPollAt"     DATETIME,
    "payload"        JSONB,
    "lastError"      TEXT
);
INSERT INTO "job_queue_0_12"
    ("id", "createdAt", "updatedAt", "workflowRunId", "stageId", "status", "priority", "attempt", "maxAttempts",
     "workerId", "lockedAt", "startedAt", "completedAt", "nextPollAt", "payload", "lastError")
    SELECT "id", "createdAt", "updatedAt", "workflowRunId", "stageId", "status", "priority", "attempt", "maxAttempts",
           "workerId", "lockedAt", "startedAt", "completedAt", "nextPollAt", "payload", "lastError"
    FROM "job_queue";
DROP TABLE "job_queue";
ALTER TABLE "job_queue_0_12" RENAME TO "job_queue";
CREATE INDEX "job_queue_status_priority_idx" ON "job_queue" ("status", "priority");
CREATE INDEX "job_queue_nextPollAt_idx" ON "job_queue" ("nextPollAt");

DROP INDEX "ai_calls_createdAt_idx";
DROP INDEX "ai_calls_modelKey_idx";

-- Annotations: facts recorded about a run (and optionally a stage attempt).
CREATE TABLE "workflow_annotations" (
    "id"                     TEXT NOT NULL PRIMARY KEY,
    "createdAt"              DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workflowRunId"          TEXT NOT NULL,
    "workflowStageRecordId"  TEXT,
    "attempt"                INTEGER NOT NULL DEFAULT 0,
    "scope"                  TEXT NOT NULL,
    "scopeId"                TEXT,
    "actorKind"              TEXT,
    "actorId"                TEXT,
    "actorVersion"           TEXT,
    "key"                    TEXT NOT NULL,
    "value"                  JSONB NOT NULL,
    "payload"                JSONB,
    "idempotencyKey"         TEXT,
    CONSTRAINT "workflow_annotations_workflowRunId_fkey" FOREIGN KEY ("workflowRunId")
        REFERENCES "workflow_runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "workflow_annotations_workflowStageRecordId_fkey" FOREIGN KEY ("workflowStageRecordId")
        REFERENCES "workflow_stages" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "workflow_annotations_workflowRunId_key_idx" ON "workflow_annotations" ("workflowRunId", "key");
CREATE INDEX "workflow_annotations_workflowRunId_createdAt_idx" ON "workflow_annotations" ("workflowRunId", "createdAt");
CREATE INDEX "workflow_annotations_workflowRunId_scope_idx" ON "workflow_annotations" ("workflowRunId", "scope");
CREATE INDEX "workflow_annotations_workflowRunId_actorId_idx" ON "workflow_annotations" ("workflowRunId", "actorId");
CREATE UNIQUE INDEX "workflow_annotations_workflowRunId_key_idempotencyKey_key" ON "workflow_annotations" ("workflowRunId", "key", "idempotencyKey");

-- The transactional outbox; (workflowRunId, sequence) is unique. No foreign keys:
-- events may name runs that do not exist.
CREATE TABLE "outbox_events" (
    "id"             TEXT NOT NULL PRIMARY KEY,
    "createdAt"      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workflowRunId"  TEXT NOT NULL,
    "sequence"       INTEGER NOT NULL,
    "eventType"      TEXT NOT NULL,
    "payload"        JSONB NOT NULL,
    "causationId"    TEXT NOT NULL,
    "occurredAt"     DATETIME NOT NULL,
    "publishedAt"    DATETIME,
    "retryCount"     INTEGER NOT NULL DEFAULT 0,
    "dlqAt"          DATETIME
);
CREATE INDEX "outbox_events_publishedAt_idx" ON "outbox_events" ("publishedAt");
CREATE UNIQUE INDEX "outbox_events_workflowRunId_sequence_key" ON "outbox_events" ("workflowRunId", "sequence");

-- Idempotent commands: one row per (key, commandType).
CREATE TABLE "idempotency_keys" (
    "id"           TEXT NOT NULL PRIMARY KEY,
    "createdAt"    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "key"          TEXT NOT NULL,
    "commandType"  TEXT NOT NULL,
    "result"       JSONB NOT NULL
);
CREATE UNIQUE INDEX "idempotency_keys_key_commandType_key" ON "idempotency_keys" ("key", "commandType");
