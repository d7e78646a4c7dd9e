-- kysely-workflow-persistence · PostgreSQL · 0001_init
--
-- Creates the workflow engine's tables exactly as Prisma creates them from the
-- schema in the specification: same names, types, defaults, enum labels, index
-- and constraint names, so that a database made by `prisma migrate` and one made
-- by this file are interchangeable.
--
-- Deploy by hand:   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f 0001_init.sql
-- or let the library do it:  await migrateToLatest(db)
--
-- Notes on the shape (all of them Prisma's choices, kept for compatibility):
--   * Timestamps are TIMESTAMP(3) WITHOUT TIME ZONE and hold UTC.
--   * "id" and "updatedAt" have no database default: the client fills them in.

CREATE TYPE "Status" AS ENUM ('PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CANCELLED', 'SKIPPED');
CREATE TYPE "LogLevel" AS ENUM ('DEBUG', 'INFO', 'WARN', 'ERROR');
CREATE TYPE "ArtifactType" AS ENUM ('STAGE_OUTPUT', 'ARTIFACT', 'METADATA');

-- One execution of a workflow.
CREATE TABLE "workflow_runs" (
    "id"            TEXT NOT NULL,
    "createdAt"     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"     TIMESTAMP(3) NOT NULL,
    "workflowId"    TEXT NOT NULL,
    "workflowName"  TEXT NOT NULL,
    "workflowType"  TEXT NOT NULL,
    "status"        "Status" NOT NULL DEFAULT 'PENDING',
    "startedAt"     TIMESTAMP(3),
    "completedAt"   TIMESTAMP(3),
    "duration"      INTEGER,
    "input"         JSONB NOT NULL,
    "output"        JSONB,
    "config"        JSONB NOT NULL DEFAULT '{}',
    "totalCost"     DOUBLE PRECISION NOT NULL DEFAULT 0,
    "totalTokens"   INTEGER NOT NULL DEFAULT 0,
    "priority"      INTEGER NOT NULL DEFAULT 5,
    CONSTRAINT "workflow_runs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "workflow_runs_status_idx" ON "workflow_runs" ("status");
CREATE INDEX "workflow_runs_workflowType_idx" ON "workflow_runs" ("workflowType");
CREATE INDEX "workflow_runs_createdAt_idx" ON "workflow_runs" ("createdAt");

-- One stage of a run; (workflowRunId, stageId) identifies it within the run.
CREATE TABLE "workflow_stages" (
    "id"              TEXT NOT NULL,
    "createdAt"       TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"       TIMESTAMP(3) NOT NULL,
    "workflowRunId"   TEXT NOT NULL,
    "stageId"         TEXT NOT NULL,
    "stageName"       TEXT NOT NULL,
    "stageNumber"     INTEGER NOT NULL,
    "executionGroup"  INTEGER NOT NULL,
    "status"          "Status" NOT NULL DEFAULT 'PENDING',
    "startedAt"       TIMESTAMP(3),
    "completedAt"     TIMESTAMP(3),
    "duration"        INTEGER,
    "inputData"       JSONB,
    "outputData"      JSONB,
    "config"          JSONB,
    "suspendedState"  JSONB,
    "resumeData"      JSONB,
    "nextPollAt"      TIMESTAMP(3),
    "pollInterval"    INTEGER,
    "maxWaitUntil"    TIMESTAMP(3),
    "metrics"         JSONB,
    "embeddingInfo"   JSONB,
    "errorMessage"    TEXT,
    CONSTRAINT "workflow_stages_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "workflow_stages_status_idx" ON "workflow_stages" ("status");
CREATE INDEX "workflow_stages_nextPollAt_idx" ON "workflow_stages" ("nextPollAt");
CREATE UNIQUE INDEX "workflow_stages_workflowRunId_stageId_key" ON "workflow_stages" ("workflowRunId", "stageId");

-- Log lines; a line may belong to a run, a stage, both or neither.
CREATE TABLE "workflow_logs" (
    "id"               TEXT NOT NULL,
    "createdAt"        TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workflowRunId"    TEXT,
    "workflowStageId"  TEXT,
    "level"            "LogLevel" NOT NULL,
    "message"          TEXT NOT NULL,
    "metadata"         JSONB,
    CONSTRAINT "workflow_logs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "workflow_logs_workflowRunId_idx" ON "workflow_logs" ("workflowRunId");
CREATE INDEX "workflow_logs_createdAt_idx" ON "workflow_logs" ("createdAt");

-- Named JSON values stored per run (stage outputs among them).
CREATE TABLE "workflow_artifacts" (
    "id"               TEXT NOT NULL,
    "createdAt"        TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"        TIMESTAMP(3) NOT NULL,
    "workflowRunId"    TEXT NOT NULL,
    "workflowStageId"  TEXT,
    "key"              TEXT NOT NULL,
    "type"             "ArtifactType" NOT NULL,
    "data"             JSONB NOT NULL,
    "size"             INTEGER NOT NULL,
    "metadata"         JSONB,
    CONSTRAINT "workflow_artifacts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "workflow_artifacts_type_idx" ON "workflow_artifacts" ("type");
CREATE UNIQUE INDEX "workflow_artifacts_workflowRunId_key_key" ON "workflow_artifacts" ("workflowRunId", "key");

-- The job queue workers poll. It has no foreign key to workflow_runs (as in the spec).
CREATE TABLE "job_queue" (
    "id"             TEXT NOT NULL,
    "createdAt"      TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"      TIMESTAMP(3) NOT NULL,
    "workflowRunId"  TEXT NOT NULL,
    "stageId"        TEXT NOT NULL,
    "status"         "Status" NOT NULL DEFAULT 'PENDING',
    "priority"       INTEGER NOT NULL DEFAULT 5,
    "workerId"       TEXT,
    "lockedAt"       TIMESTAMP(3),
    "startedAt"      TIMESTAMP(3),
    "completedAt"    TIMESTAMP(3),
    "attempt"        INTEGER NOT NULL DEFAULT 0,
    "maxAttempts"    INTEGER NOT NULL DEFAULT 3,
    "lastError"      TEXT,
    "nextPollAt"     TIMESTAMP(3),
    "payload"        JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "job_queue_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "job_queue_status_nextPollAt_idx" ON "job_queue" ("status", "nextPollAt");
CREATE INDEX "job_queue_workflowRunId_idx" ON "job_queue" ("workflowRunId");

-- The ledger of AI model calls.
CREATE TABLE "ai_calls" (
    "id"            TEXT NOT NULL,
    "createdAt"     TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "topic"         TEXT NOT NULL,
    "callType"      TEXT NOT NULL,
    "modelKey"      TEXT NOT NULL,
    "modelId"       TEXT NOT NULL,
    "prompt"        TEXT NOT NULL,
    "response"      TEXT NOT NULL,
    "inputTokens"   INTEGER NOT NULL,
    "outputTokens"  INTEGER NOT NULL,
    "cost"          DOUBLE PRECISION NOT NULL,
    "metadata"      JSONB,
    CONSTRAINT "ai_calls_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ai_calls_topic_idx" ON "ai_calls" ("topic");
CREATE INDEX "ai_calls_createdAt_idx" ON "ai_calls" ("createdAt");
CREATE INDEX "ai_calls_modelKey_idx" ON "ai_calls" ("modelKey");

-- Foreign keys last, as Prisma adds them: deleting a run removes its stages,
-- logs and artifacts; deleting a stage removes its logs and artifacts.
ALTER TABLE "workflow_stages" ADD CONSTRAINT "workflow_stages_workflowRunId_fkey"
    FOREIGN KEY ("workflowRunId") REFERENCES "workflow_runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "workflow_logs" ADD CONSTRAINT "workflow_logs_workflowRunId_fkey"
    FOREIGN KEY ("workflowRunId") REFERENCES "workflow_runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "workflow_logs" ADD CONSTRAINT "workflow_logs_workflowStageId_fkey"
    FOREIGN KEY ("workflowStageId") REFERENCES "workflow_stages" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "workflow_artifacts" ADD CONSTRAINT "workflow_artifacts_workflowRunId_fkey"
    FOREIGN KEY ("workflowRunId") REFERENCES "workflow_runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "workflow_artifacts" ADD CONSTRAINT "workflow_artifacts_workflowStageId_fkey"
    FOREIGN KEY ("workflowStageId") REFERENCES "workflow_stages" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
