-- kysely-workflow-persistence · SQLite · contract-1.0/0003_contract_1_0
--
-- Brings the 0.12 schema (contract-0.12/0002) to the schema of the workflow
-- engine's 1.0 contract, keeping every row: durable steps, definition
-- versions, redrive counts, the AI-call batch and cost columns, and the 1.0
-- index sets. Applied only when asked for (`migrateToLatest(db, { target:
-- "1.0" })`, `kwp migrate --target 1.0`); a 0.1 or empty database goes through
-- 0001 and 0002 first. Deploy by hand after 0002, in one transaction:
--   sqlite3 workflow.db ".bail on" "BEGIN IMMEDIATE;" ".read contract-1.0/0003_contract_1_0.sql" "COMMIT;"
--
-- Everything here is what SQLite's ALTER TABLE can do in place (new tables,
-- added columns, indexes): no table is rebuilt. The engine's optional blob
-- table (workflow_blobs) is not here: `blobStore: true` adds it.

-- Durable steps: one row per step of a stage execution, deleted with it.
CREATE TABLE "workflow_steps" (
    "id"             TEXT NOT NULL PRIMARY KEY,
    "stageRecordId"  TEXT NOT NULL,
    "stepId"         TEXT NOT NULL,
    "seq"            INTEGER NOT NULL,
    "kind"           TEXT NOT NULL,
    "status"         TEXT NOT NULL,
    "attempt"        INTEGER NOT NULL DEFAULT 1,
    "leaseExpiresAt" DATETIME,
    "deadlineAt"     DATETIME,
    "externalKey"    TEXT,
    "result"         JSONB,
    "error"          TEXT,
    "waitState"      JSONB,
    "createdAt"      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt"      DATETIME NOT NULL,
    CONSTRAINT "workflow_steps_stageRecordId_fkey" FOREIGN KEY ("stageRecordId")
        REFERENCES "workflow_stages" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "workflow_steps_stageRecordId_stepId_key" ON "workflow_steps"("stageRecordId", "stepId");
CREATE INDEX "workflow_steps_stageRecordId_idx" ON "workflow_steps"("stageRecordId");

-- Definition versioning: the snapshot each run is pinned to.
CREATE TABLE "workflow_definitions" (
    "workflowId"    TEXT NOT NULL,
    "version"       TEXT NOT NULL,
    "createdAt"     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "snapshot"      JSONB NOT NULL,
    "structureHash" TEXT NOT NULL,

    PRIMARY KEY ("workflowId", "version")
);

-- Runs: the pinned version (NULL for runs from before) and how often they were redriven.
ALTER TABLE "workflow_runs" ADD COLUMN "definitionVersion" TEXT;
ALTER TABLE "workflow_runs" ADD COLUMN "redriveCount" INTEGER NOT NULL DEFAULT 0;
DROP INDEX "workflow_runs_status_idx";
DROP INDEX "workflow_runs_workflowId_idx";
CREATE INDEX "workflow_runs_createdAt_id_idx" ON "workflow_runs"("createdAt" DESC, "id" DESC);
CREATE INDEX "workflow_runs_status_createdAt_id_idx" ON "workflow_runs"("status", "createdAt" DESC, "id" DESC);
CREATE INDEX "workflow_runs_workflowId_createdAt_id_idx" ON "workflow_runs"("workflowId", "createdAt" DESC, "id" DESC);
CREATE INDEX "workflow_runs_status_priority_createdAt_idx" ON "workflow_runs"("status", "priority" DESC, "createdAt");
CREATE INDEX "workflow_runs_definitionVersion_idx" ON "workflow_runs"("definitionVersion");
CREATE INDEX "workflow_runs_status_workflowId_definitionVersion_idx" ON "workflow_runs"("status", "workflowId", "definitionVersion");

-- AI calls: a batch's request ids (the unique pair deduplicates batch rows; NULLs never
-- collide) and the cost accounting figures. All nullable: existing rows keep NULL.
ALTER TABLE "ai_calls" ADD COLUMN "batchId" TEXT;
ALTER TABLE "ai_calls" ADD COLUMN "requestId" TEXT;
ALTER TABLE "ai_calls" ADD COLUMN "estimatedCost" REAL;
ALTER TABLE "ai_calls" ADD COLUMN "reportedCost" REAL;
ALTER TABLE "ai_calls" ADD COLUMN "costSource" TEXT;
ALTER TABLE "ai_calls" ADD COLUMN "servedBy" TEXT;
ALTER TABLE "ai_calls" ADD COLUMN "cachedInputTokens" INTEGER;
ALTER TABLE "ai_calls" ADD COLUMN "reasoningTokens" INTEGER;
CREATE INDEX "ai_calls_batchId_idx" ON "ai_calls"("batchId");
CREATE UNIQUE INDEX "ai_calls_batch_request_unique" ON "ai_calls"("batchId", "requestId");

-- Job queue: one row per (run, stage). Older enqueues may have left several for a
-- pair; the engine's guide keeps the newest (createdAt, then id), and so does this.
DELETE FROM "job_queue"
    WHERE EXISTS (
        SELECT 1 FROM "job_queue" AS "newer"
        WHERE "newer"."workflowRunId" = "job_queue"."workflowRunId"
          AND "newer"."stageId" = "job_queue"."stageId"
          AND ("job_queue"."createdAt", "job_queue"."id") < ("newer"."createdAt", "newer"."id")
    );
CREATE UNIQUE INDEX "job_queue_workflowRunId_stageId_key" ON "job_queue"("workflowRunId", "stageId");
DROP INDEX "job_queue_status_priority_idx";
CREATE INDEX "job_queue_status_priority_createdAt_idx" ON "job_queue"("status", "priority" DESC, "createdAt");
CREATE INDEX "job_queue_status_createdAt_idx" ON "job_queue"("status", "createdAt");

-- Outbox: the dead-letter page.
CREATE INDEX "outbox_events_dlqAt_idx" ON "outbox_events"("dlqAt");
