-- kysely-workflow-persistence · PostgreSQL · optional/0004_job_queue_notify_schema
--
-- NOT part of the Prisma schema; applied by migrateToLatest() by default (on a
-- database Prisma manages: through `kwp prisma-migration`).
--
-- Why: NOTIFY channels are per database, not per schema. When two schemas of one
-- database each hold these tables (`?schema=app`, `?schema=staging`), an enqueue
-- in one woke the idle workers of both, who then polled for nothing. The trigger
-- function of optional/0002 now names the schema of the table it fires on, and a
-- waiting queue that works in a named schema wakes only for its own. A listener
-- with no schema named (the connection's current schema) still wakes for all.
CREATE OR REPLACE FUNCTION "kwp_notify_job_queue"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kwp_job_queue', TG_TABLE_SCHEMA);
    RETURN NULL;
END;
$$;
