-- kysely-workflow-persistence · PostgreSQL · contract-1.0/0003_contract_1_0
--
-- Brings the 0.12 schema (contract-0.12/0002) to the schema of the workflow
-- engine's 1.0 contract, keeping every row: durable steps, definition
-- versions, redrive counts, the AI-call batch and cost columns, and the 1.0
-- index sets. Applied only when asked for (`migrateToLatest(db, { target:
-- "1.0" })`, `kwp migrate --target 1.0`); a 0.1 or empty database goes through
-- 0001 and 0002 first. Deploy by hand after 0002:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f contract-1.0/0003_contract_1_0.sql
--
-- Columns added to existing tables come last in them (PostgreSQL appends);
-- Prisma compares columns by name, not position. The engine's optional blob
-- table (workflow_blobs) is not here: `blobStore: true` adds it.

-- Durable steps: one row per step of a stage execution, deleted with it.
CREATE TABLE "workflow_steps" (
    "id" TEXT NOT NULL,
    "stageRecordId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "leaseExpiresAt" TIMESTAMP(3),
    "deadlineAt" TIMESTAMP(3),
    "externalKey" TEXT,
    "result" JSONB,
    "error" TEXT,
    "waitState" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "workflow_steps_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "workflow_steps_stageRecordId_stepId_key" ON "workflow_steps"("stageRecordId", "stepId");
CREATE INDEX "workflow_steps_stageRecordId_idx" ON "workflow_steps"("stageRecordId");
ALTER TABLE "workflow_steps" ADD CONSTRAINT "workflow_steps_stageRecordId_fkey"
    FOREIGN KEY ("stageRecordId") REFERENCES "workflow_stages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Definition versioning: the snapshot each run is pinned to.
CREATE TABLE "workflow_definitions" (
    "workflowId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "snapshot" JSONB NOT NULL,
    "structureHash" TEXT NOT NULL,

    CONSTRAINT "workflow_definitions_pkey" PRIMARY KEY ("workflowId","version")
);

-- Runs: the pinned version (NULL for runs from before) and how often they were redriven.
ALTER TABLE "workflow_runs" ADD COLUMN "definitionVersion" TEXT;
ALTER TABLE "workflow_runs" ADD COLUMN "redriveCount" INTEGER NOT NULL DEFAULT 0;
-- The 1.0 index set: newest-first lists keyset-paged on (createdAt, id), the
-- claim's (status, priority, createdAt), and the version lookups. A composite
-- that leads with status or workflowId serves what the bare ones served.
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
ALTER TABLE "ai_calls" ADD COLUMN "estimatedCost" DOUBLE PRECISION;
ALTER TABLE "ai_calls" ADD COLUMN "reportedCost" DOUBLE PRECISION;
ALTER TABLE "ai_calls" ADD COLUMN "costSource" TEXT;
ALTER TABLE "ai_calls" ADD COLUMN "servedBy" TEXT;
ALTER TABLE "ai_calls" ADD COLUMN "cachedInputTokens" INTEGER;
ALTER TABLE "ai_calls" ADD COLUMN "reasoningTokens" INTEGER;
CREATE INDEX "ai_calls_batchId_idx" ON "ai_calls"("batchId");
CREATE UNIQUE INDEX "ai_calls_batch_request_unique" ON "ai_calls"("batchId", "requestId");

-- Job queue: one row per (run, stage). Older enqueues may have left several for a
-- pair (every rerun added one); the engine's guide keeps the newest, createdAt
-- then id, and so does this. The older ones are finished history of stages
-- re-enqueued since.
DELETE FROM "job_queue" AS older
    USING "job_queue" AS newer
    WHERE older."workflowRunId" = newer."workflowRunId"
      AND older."stageId" = newer."stageId"
      AND (older."createdAt", older."id") < (newer."createdAt", newer."id");
CREATE UNIQUE INDEX "job_queue_workflowRunId_stageId_key" ON "job_queue"("workflowRunId", "stageId");
DROP INDEX "job_queue_status_priority_idx";
CREATE INDEX "job_queue_status_priority_createdAt_idx" ON "job_queue"("status", "priority" DESC, "createdAt");
CREATE INDEX "job_queue_status_createdAt_idx" ON "job_queue"("status", "createdAt");

-- Outbox: the dead-letter page.
CREATE INDEX "outbox_events_dlqAt_idx" ON "outbox_events"("dlqAt");
