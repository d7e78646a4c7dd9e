-- The trace context of each job, for OpenTelemetry (docs/observability.md): the
-- span context active when the job was enqueued, which the span of the worker
-- that claims it links to, in another process. Not part of the engine's
-- schema, and the job's payload stays what the engine wrote: opt-in with
-- migrateToLatest(db, { traceContext: true }) / kwp migrate --trace-context; a
-- database Prisma manages takes it as a Prisma migration (kwp prisma-migration
-- --trace-context) with the KwpJobTraceContext model. A row goes with its job:
-- a trigger on job_queue deletes it (a foreign key would need a relation field
-- in the engine's JobQueue model; Prisma does not look at triggers). Written to
-- be run again: a contract upgrade rebuilds job_queue and its triggers.

-- CreateTable
CREATE TABLE IF NOT EXISTS "kwp_job_trace_context" (
    "jobId" TEXT NOT NULL PRIMARY KEY,
    "traceId" TEXT NOT NULL,
    "spanId" TEXT NOT NULL,
    "traceFlags" INTEGER NOT NULL,
    "traceState" TEXT
);

DROP TRIGGER IF EXISTS "job_queue_kwp_trace_context_delete";
CREATE TRIGGER "job_queue_kwp_trace_context_delete" AFTER DELETE ON "job_queue"
BEGIN
    DELETE FROM "kwp_job_trace_context" WHERE "jobId" = OLD."id";
END;
