-- kysely-workflow-persistence · PostgreSQL · contract-0.12/0002_contract_0_12
--
-- Brings the 0.1 schema (0001_init) to the schema of the workflow engine's 0.12
-- contract, keeping every row. Applied only when asked for
-- (`migrateToLatest(db, { target: "0.12" })`, `kwp migrate --target 0.12`); on an
-- empty database 0001 runs first, so a fresh 0.12 database is made the same way.
-- The engine never shipped an upgrade; this is ours. Deploy by hand after 0001:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f contract-0.12/0002_contract_0_12.sql
--
-- Columns added to existing tables come last in them (PostgreSQL appends); a
-- database Prisma creates at 0.12 has them elsewhere. Column order is not part
-- of what Prisma compares.

-- Optimistic concurrency: every run and stage write adds 1.
ALTER TABLE "workflow_runs" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
-- 0.12 keeps a run's metadata as JSON (0.1 spread it into columns an application added).
ALTER TABLE "workflow_runs" ADD COLUMN "metadata" JSONB;
DROP INDEX "workflow_runs_workflowType_idx";
DROP INDEX "workflow_runs_createdAt_idx";
CREATE INDEX "workflow_runs_workflowId_idx" ON "workflow_runs" ("workflowId");

ALTER TABLE "workflow_stages" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
-- The rerun generation of a stage.
ALTER TABLE "workflow_stages" ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 0;

-- LogLevel and ArtifactType are plain text in 0.12; the stored labels stay as they are.
ALTER TABLE "workflow_logs" ALTER COLUMN "level" TYPE TEXT USING "level"::text;
DROP INDEX "workflow_logs_createdAt_idx";
CREATE INDEX "workflow_logs_workflowStageId_idx" ON "workflow_logs" ("workflowStageId");

ALTER TABLE "workflow_artifacts" ALTER COLUMN "type" TYPE TEXT USING "type"::text;
-- Deleting a stage now keeps its artifacts, unlinked (was: deleted with it).
ALTER TABLE "workflow_artifacts" DROP CONSTRAINT "workflow_artifacts_workflowStageId_fkey";
ALTER TABLE "workflow_artifacts" ADD CONSTRAINT "workflow_artifacts_workflowStageId_fkey"
    FOREIGN KEY ("workflowStageId") REFERENCES "workflow_stages" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
DROP INDEX "workflow_artifacts_type_idx";
CREATE INDEX "workflow_artifacts_workflowRunId_idx" ON "workflow_artifacts" ("workflowRunId");

DROP TYPE "LogLevel";
DROP TYPE "ArtifactType";

-- The payload may be absent in 0.12 (no default).
ALTER TABLE "job_queue" ALTER COLUMN "payload" DROP NOT NULL;
ALTER TABLE "job_queue" ALTER COLUMN "payload" DROP DEFAULT;
DROP INDEX "job_queue_status_nextPollAt_idx";
DROP INDEX "job_queue_workflowRunId_idx";
CREATE INDEX "job_queue_status_priority_idx" ON "job_queue" ("status", "priority");
CREATE INDEX "job_queue_nextPollAt_idx" ON "job_queue" ("nextPollAt");

DROP INDEX "ai_calls_createdAt_idx";
DROP INDEX "ai_calls_modelKey_idx";

-- Annotations: facts recorded about a run (and optionally a stage attempt).
CREATE TABLE "workflow_annotations" (
    "id"                     TEXT NOT NULL,
    "createdAt"              TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
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
    CONSTRAINT "workflow_annotations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "workflow_annotations_workflowRunId_key_idx" ON "workflow_annotations" ("workflowRunId", "key");
CREATE INDEX "workflow_annotations_workflowRunId_createdAt_idx" ON "workflow_annotations" ("workflowRunId", "createdAt");
CREATE INDEX "workflow_annotations_workflowRunId_scope_idx" ON "workflow_annotations" ("workflowRunId", "scope");
CREATE INDEX "workflow_annotations_workflowRunId_actorId_idx" ON "workflow_annotations" ("workflowRunId", "actorId");
CREATE UNIQUE INDEX "workflow_annotations_workflowRunId_key_idempotencyKey_key" ON "workflow_annotations" ("workflowRunId", "key", "idempotencyKey");
ALTER TABLE "workflow_annotations" ADD CONSTRAINT "workflow_annotations_workflowRunId_fkey"
    FOREIGN KEY ("workflowRunId") REFERENCES "workflow_runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "workflow_annotations" ADD CONSTRAINT "workflow_annotations_workflowStageRecordId_fkey"
    FOREIGN KEY ("workflowStageRecordId") REFERENCES "workflow_stages" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The transactional outbox; (workflowRunId, sequence) is unique. No foreign keys:
-- events may name runs that do not exist.
CREATE TABLE "outbox_events" (
    "id"             TEXT NOT NULL,
    "createdAt"      TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workflowRunId"  TEXT NOT NULL,
    "sequence"       INTEGER NOT NULL,
    "eventType"      TEXT NOT NULL,
    "payload"        JSONB NOT NULL,
    "causationId"    TEXT NOT NULL,
    "occurredAt"     TIMESTAMP(3) NOT NULL,
    "publishedAt"    TIMESTAMP(3),
    "retryCount"     INTEGER NOT NULL DEFAULT 0,
    "dlqAt"          TIMESTAMP(3),
    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "outbox_events_publishedAt_idx" ON "outbox_events" ("publishedAt");
CREATE UNIQUE INDEX "outbox_events_workflowRunId_sequence_key" ON "outbox_events" ("workflowRunId", "sequence");

-- Idempotent commands: one row per (key, commandType).
CREATE TABLE "idempotency_keys" (
    "id"           TEXT NOT NULL,
    "createdAt"    TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "key"          TEXT NOT NULL,
    "commandType"  TEXT NOT NULL,
    "result"       JSONB NOT NULL,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "idempotency_keys_key_commandType_key" ON "idempotency_keys" ("key", "commandType");
