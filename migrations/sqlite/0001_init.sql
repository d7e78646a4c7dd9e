-- kysely-workflow-persistence · SQLite · 0001_init
--
-- Creates the workflow engine's tables exactly as Prisma creates them from the
-- schema in the specification, so a database made by `prisma migrate` and one
-- made by this file are interchangeable.
--
-- Deploy by hand:   sqlite3 workflow.db < 0001_init.sql
-- or let the library do it:  await migrateToLatest(db)
--
-- How values are stored (Prisma's formats, which this library reads and writes):
--   * DATETIME columns hold ISO-8601 text with an offset
--     (2024-01-02T03:04:05.678+00:00); readers also accept the
--     CURRENT_TIMESTAMP form (2024-01-02 03:04:05) and integer epoch milliseconds.
--   * JSONB columns hold compact JSON text.
--   * Enum columns are plain TEXT without a CHECK constraint, as Prisma makes them.
-- The JSON defaults are the quoted string '{}': Prisma prints them unquoted,
-- which SQLite rejects.
-- Foreign keys only act when the connection runs PRAGMA foreign_keys = ON
-- (openDatabase() does).

-- One execution of a workflow.
CREATE TABLE "workflow_runs" (
    "id"            TEXT NOT NULL PRIMARY KEY,
    "createdAt"     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"     DATETIME NOT NULL,
    "workflowId"    TEXT NOT NULL,
    "workflowName"  TEXT NOT NULL,
    "workflowType"  TEXT NOT NULL,
    "status"        TEXT NOT NULL DEFAULT 'PENDING',
    "startedAt"     DATETIME,
    "completedAt"   DATETIME,
    "duration"      INTEGER,
    "input"         JSONB NOT NULL,
    "output"        JSONB,
    "config"        JSONB NOT NULL DEFAULT '{}',
    "totalCost"     REAL NOT NULL DEFAULT 0,
    "totalTokens"   INTEGER NOT NULL DEFAULT 0,
    "priority"      INTEGER NOT NULL DEFAULT 5
);
CREATE INDEX "workflow_runs_status_idx" ON "workflow_runs" ("status");
CREATE INDEX "workflow_runs_workflowType_idx" ON "workflow_runs" ("workflowType");
CREATE INDEX "workflow_runs_createdAt_idx" ON "workflow_runs" ("createdAt");

-- One stage of a run; (workflowRunId, stageId) identifies it within the run.
CREATE TABLE "workflow_stages" (
    "id"              TEXT NOT NULL PRIMARY KEY,
    "createdAt"       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"       DATETIME NOT NULL,
    "workflowRunId"   TEXT NOT NULL,
    "stageId"         TEXT NOT NULL,
    "stageName"       TEXT NOT NULL,
    "stageNumber"     INTEGER NOT NULL,
    "executionGroup"  INTEGER NOT NULL,
    "status"          TEXT NOT NULL DEFAULT 'PENDING',
    "startedAt"       DATETIME,
    "completedAt"     DATETIME,
    "duration"        INTEGER,
    "inputData"       JSONB,
    "outputData"      JSONB,
    "config"          JSONB,
    "suspendedState"  JSONB,
    "resumeData"      JSONB,
    "nextPollAt"      DATETIME,
    "pollInterval"    INTEGER,
    "maxWaitUntil"    DATETIME,
    "metrics"         JSONB,
    "embeddingInfo"   JSONB,
    "errorMessage"    TEXT,
    CONSTRAINT "workflow_stages_workflowRunId_fkey" FOREIGN KEY ("workflowRunId")
        REFERENCES "workflow_runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "workflow_stages_status_idx" ON "workflow_stages" ("status");
CREATE INDEX "workflow_stages_nextPollAt_idx" ON "workflow_stages" ("nextPollAt");
CREATE UNIQUE INDEX "workflow_stages_workflowRunId_stageId_key" ON "workflow_stages" ("workflowRunId", "stageId");

-- Log lines; a line may belong to a run, a stage, both or neither.
CREATE TABLE "workflow_logs" (
    "id"               TEXT NOT NULL PRIMARY KEY,
    "createdAt"        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "workflowRunId"    TEXT,
    "workflowStageId"  TEXT,
    "level"            TEXT NOT NULL,
    "message"          TEXT NOT NULL,
    "metadata"         JSONB,
    CONSTRAINT "workflow_logs_workflowRunId_fkey" FOREIGN KEY ("workflowRunId")
        REFERENCES "workflow_runs" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "workflow_logs_workflowStageId_fkey" FOREIGN KEY ("workflowStageId")
        REFERENCES "workflow_stages" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "workflow_logs_workflowRunId_idx" ON "workflow_logs" ("workflowRunId");
CREATE INDEX "workflow_logs_createdAt_idx" ON "workflow_logs" ("createdAt");

-- Named JSON values stored per run (stage outputs among them).
CREATE TABLE "workflow_artifacts" (
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
        REFERENCES "workflow_stages" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "workflow_artifacts_type_idx" ON "workflow_artifacts" ("type");
CREATE UNIQUE INDEX "workflow_artifacts_workflowRunId_key_key" ON "workflow_artifacts" ("workflowRunId", "key");

-- The job queue workers poll. It has no foreign key to workflow_runs (as in the spec).
CREATE TABLE "job_queue" (
    "id"             TEXT NOT NULL PRIMARY KEY,
    "createdAt"      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"      DATETIME NOT NULL,
    "workflowRunId"  TEXT NOT NULL,
    "stageId"        TEXT NOT NULL,
    "status"         TEXT NOT NULL DEFAULT 'PENDING',
    "priority"       INTEGER NOT NULL DEFAULT 5,
    "workerId"       TEXT,
    "lockedAt"       DATETIME,
    "startedAt"      DATETIME,
    "completedAt"    DATETIME,
    "attempt"        INTEGER NOT NULL DEFAULT 0,
    "maxAttempts"    INTEGER NOT NULL DEFAULT 3,
    "lastError"      TEXT,
    "nextPollAt"     DATETIME,
    "payload"        JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX "job_queue_status_nextPollAt_idx" ON "job_queue" ("status", "nextPollAt");
CREATE INDEX "job_queue_workflowRunId_idx" ON "job_queue" ("workflowRunId");

-- The ledger of AI model calls.
CREATE TABLE "ai_calls" (
    "id"            TEXT NOT NULL PRIMARY KEY,
    "createdAt"     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "topic"         TEXT NOT NULL,
    "callType"      TEXT NOT NULL,
    "modelKey"      TEXT NOT NULL,
    "modelId"       TEXT NOT NULL,
    "prompt"        TEXT NOT NULL,
    "response"      TEXT NOT NULL,
    "inputTokens"   INTEGER NOT NULL,
    "outputTokens"  INTEGER NOT NULL,
    "cost"          REAL NOT NULL,
    "metadata"      JSONB
);
CREATE INDEX "ai_calls_topic_idx" ON "ai_calls" ("topic");
CREATE INDEX "ai_calls_createdAt_idx" ON "ai_calls" ("createdAt");
CREATE INDEX "ai_calls_modelKey_idx" ON "ai_calls" ("modelKey");
