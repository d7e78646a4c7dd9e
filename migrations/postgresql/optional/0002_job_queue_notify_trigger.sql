-- kysely-workflow-persistence · PostgreSQL · optional/0002_job_queue_notify_trigger
--
-- NOT part of the Prisma schema; applied by migrateToLatest() by default, except on
-- a database managed by Prisma. Without it everything works the same, and idle
-- workers find new jobs by polling instead of being woken.
--
-- Why: idle workers wait for work with LISTEN "kwp_job_queue" (JobQueue.waitForJobs)
-- instead of polling the table. A statement-level trigger sends one NOTIFY per
-- INSERT statement, whoever inserts (this library, a Prisma-based enqueuer, psql),
-- and PostgreSQL delivers it only when the inserting transaction commits. A
-- 100-row enqueueParallel sends one notification, not 100.
CREATE OR REPLACE FUNCTION "kwp_notify_job_queue"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kwp_job_queue', '');
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS "job_queue_notify_insert" ON "job_queue";
CREATE TRIGGER "job_queue_notify_insert"
    AFTER INSERT ON "job_queue"
    FOR EACH STATEMENT EXECUTE FUNCTION "kwp_notify_job_queue"();
