-- kysely-workflow-persistence · PostgreSQL · optional/0006_console_totals
--
-- NOT part of the Prisma schema; applied by migrateToLatest() by default, except on a
-- database managed by Prisma. Without it everything reads the same, from the tables.
--
-- Why: the console's costs over a long range and /metrics summed every run and AI call
-- on every request: on 1,000,000 runs and 200,000 AI calls, costs over 365 days took
-- 1,060 ms and /metrics 489 ms. These tables keep the sums per UTC day of creation
-- (runs per workflow and status; AI calls per model), so such a read adds up a few
-- rows a day, and the hours at the ends of a range come from the tables' own indexes.
--
-- How, without making writers wait for each other: triggers never update a total.
-- They append the change (+1 run on insert, -1 for the old row and +1 for the new one
-- when a run's status, cost, tokens, workflow or creation time changes; AI calls per
-- statement, grouped) to a *_changes table, which no two writers contend for. Readers
-- add the totals and the pending changes. About one write in 500 also folds the
-- changes into the totals (kwp_fold_console_totals), under a transaction-level
-- advisory lock that another folder skips rather than waits for, so the changes stay
-- a few hundred rows. Whoever writes (this library, Prisma, psql) is counted.
--
-- The functions keep the schema they were created in (SET search_path FROM CURRENT),
-- so a writer whose search_path differs still counts into this schema's totals.
--
-- Applied again after a contract upgrade, it recounts everything from the tables.
-- The trigger is created before the count, in the same transaction: its lock makes
-- writers wait for the count, so no write is missed or counted twice.

CREATE TABLE IF NOT EXISTS "kwp_run_totals" (
    "day"        TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "status"     TEXT NOT NULL,
    "runs"       BIGINT NOT NULL,
    "cost"       DOUBLE PRECISION NOT NULL,
    "tokens"     BIGINT NOT NULL,
    PRIMARY KEY ("day", "workflowId", "status")
);

-- No key and no sequence: rows are only appended and then folded away, and an
-- application role granted DML on the tables needs nothing more.
CREATE TABLE IF NOT EXISTS "kwp_run_total_changes" (
    "day"        TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "status"     TEXT NOT NULL,
    "runs"       BIGINT NOT NULL,
    "cost"       DOUBLE PRECISION NOT NULL,
    "tokens"     BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS "kwp_ai_call_totals" (
    "day"          TEXT NOT NULL,
    "modelKey"     TEXT NOT NULL,
    "calls"        BIGINT NOT NULL,
    "inputTokens"  BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "cost"         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY ("day", "modelKey")
);

CREATE TABLE IF NOT EXISTS "kwp_ai_call_total_changes" (
    "day"          TEXT NOT NULL,
    "modelKey"     TEXT NOT NULL,
    "calls"        BIGINT NOT NULL,
    "inputTokens"  BIGINT NOT NULL,
    "outputTokens" BIGINT NOT NULL,
    "cost"         DOUBLE PRECISION NOT NULL
);

-- Moves the committed changes into the totals; returns at once when another
-- transaction is folding (it holds the lock until it ends).
CREATE OR REPLACE FUNCTION "kwp_fold_console_totals"() RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(7043950216478260001) THEN
        RETURN;
    END IF;
    WITH "moved" AS (DELETE FROM "kwp_run_total_changes" RETURNING "day", "workflowId", "status", "runs", "cost", "tokens")
    INSERT INTO "kwp_run_totals" AS "t" ("day", "workflowId", "status", "runs", "cost", "tokens")
    SELECT "day", "workflowId", "status", sum("runs"), sum("cost"), sum("tokens") FROM "moved" GROUP BY 1, 2, 3
    ON CONFLICT ("day", "workflowId", "status") DO UPDATE
        SET "runs" = "t"."runs" + EXCLUDED."runs", "cost" = "t"."cost" + EXCLUDED."cost", "tokens" = "t"."tokens" + EXCLUDED."tokens";
    WITH "moved" AS (DELETE FROM "kwp_ai_call_total_changes" RETURNING "day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
    INSERT INTO "kwp_ai_call_totals" AS "t" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
    SELECT "day", "modelKey", sum("calls"), sum("inputTokens"), sum("outputTokens"), sum("cost") FROM "moved" GROUP BY 1, 2
    ON CONFLICT ("day", "modelKey") DO UPDATE
        SET "calls" = "t"."calls" + EXCLUDED."calls", "inputTokens" = "t"."inputTokens" + EXCLUDED."inputTokens",
            "outputTokens" = "t"."outputTokens" + EXCLUDED."outputTokens", "cost" = "t"."cost" + EXCLUDED."cost";
END;
$$;

CREATE OR REPLACE FUNCTION "kwp_count_run"() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO "kwp_run_total_changes" ("day", "workflowId", "status", "runs", "cost", "tokens")
        VALUES (to_char(OLD."createdAt", 'YYYY-MM-DD'), OLD."workflowId", OLD."status"::text, -1, -OLD."totalCost", -OLD."totalTokens");
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO "kwp_run_total_changes" ("day", "workflowId", "status", "runs", "cost", "tokens")
        VALUES (to_char(NEW."createdAt", 'YYYY-MM-DD'), NEW."workflowId", NEW."status"::text, 1, NEW."totalCost", NEW."totalTokens");
    END IF;
    IF random() < 0.002 THEN
        PERFORM "kwp_fold_console_totals"();
    END IF;
    RETURN NULL;
END;
$$;

-- One function for the three AI-call triggers: each names the rows it saw.
CREATE OR REPLACE FUNCTION "kwp_count_ai_calls"() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO "kwp_ai_call_total_changes" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
        SELECT to_char("createdAt", 'YYYY-MM-DD'), "modelKey", -count(*), -sum("inputTokens"), -sum("outputTokens"), -sum("cost")
        FROM "kwp_old_calls" GROUP BY 1, 2;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO "kwp_ai_call_total_changes" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
        SELECT to_char("createdAt", 'YYYY-MM-DD'), "modelKey", count(*), sum("inputTokens"), sum("outputTokens"), sum("cost")
        FROM "kwp_new_calls" GROUP BY 1, 2;
    END IF;
    IF random() < 0.002 THEN
        PERFORM "kwp_fold_console_totals"();
    END IF;
    RETURN NULL;
END;
$$;

-- TRUNCATE fires no row trigger: it empties the totals of what it emptied.
CREATE OR REPLACE FUNCTION "kwp_forget_totals"() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_TABLE_NAME = 'workflow_runs' THEN
        DELETE FROM "kwp_run_total_changes";
        DELETE FROM "kwp_run_totals";
    ELSE
        DELETE FROM "kwp_ai_call_total_changes";
        DELETE FROM "kwp_ai_call_totals";
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS "workflow_runs_kwp_totals_truncate" ON "workflow_runs";
DROP TRIGGER IF EXISTS "ai_calls_kwp_totals_truncate" ON "ai_calls";
CREATE TRIGGER "workflow_runs_kwp_totals_truncate" AFTER TRUNCATE ON "workflow_runs"
    FOR EACH STATEMENT EXECUTE FUNCTION "kwp_forget_totals"();
CREATE TRIGGER "ai_calls_kwp_totals_truncate" AFTER TRUNCATE ON "ai_calls"
    FOR EACH STATEMENT EXECUTE FUNCTION "kwp_forget_totals"();

DROP TRIGGER IF EXISTS "workflow_runs_kwp_totals_insert" ON "workflow_runs";
DROP TRIGGER IF EXISTS "workflow_runs_kwp_totals_update" ON "workflow_runs";
DROP TRIGGER IF EXISTS "workflow_runs_kwp_totals_delete" ON "workflow_runs";
CREATE TRIGGER "workflow_runs_kwp_totals_insert" AFTER INSERT ON "workflow_runs"
    FOR EACH ROW EXECUTE FUNCTION "kwp_count_run"();
CREATE TRIGGER "workflow_runs_kwp_totals_update" AFTER UPDATE ON "workflow_runs"
    FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."totalCost" IS DISTINCT FROM NEW."totalCost"
        OR OLD."totalTokens" IS DISTINCT FROM NEW."totalTokens" OR OLD."workflowId" IS DISTINCT FROM NEW."workflowId"
        OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt")
    EXECUTE FUNCTION "kwp_count_run"();
CREATE TRIGGER "workflow_runs_kwp_totals_delete" AFTER DELETE ON "workflow_runs"
    FOR EACH ROW EXECUTE FUNCTION "kwp_count_run"();

DROP TRIGGER IF EXISTS "ai_calls_kwp_totals_insert" ON "ai_calls";
DROP TRIGGER IF EXISTS "ai_calls_kwp_totals_update" ON "ai_calls";
DROP TRIGGER IF EXISTS "ai_calls_kwp_totals_delete" ON "ai_calls";
CREATE TRIGGER "ai_calls_kwp_totals_insert" AFTER INSERT ON "ai_calls"
    REFERENCING NEW TABLE AS "kwp_new_calls" FOR EACH STATEMENT EXECUTE FUNCTION "kwp_count_ai_calls"();
CREATE TRIGGER "ai_calls_kwp_totals_update" AFTER UPDATE ON "ai_calls"
    REFERENCING OLD TABLE AS "kwp_old_calls" NEW TABLE AS "kwp_new_calls" FOR EACH STATEMENT EXECUTE FUNCTION "kwp_count_ai_calls"();
CREATE TRIGGER "ai_calls_kwp_totals_delete" AFTER DELETE ON "ai_calls"
    REFERENCING OLD TABLE AS "kwp_old_calls" FOR EACH STATEMENT EXECUTE FUNCTION "kwp_count_ai_calls"();

-- Counted from the tables (the triggers above already hold the tables' locks).
DELETE FROM "kwp_run_total_changes";
DELETE FROM "kwp_run_totals";
INSERT INTO "kwp_run_totals" ("day", "workflowId", "status", "runs", "cost", "tokens")
SELECT to_char("createdAt", 'YYYY-MM-DD'), "workflowId", "status"::text, count(*), sum("totalCost"), sum("totalTokens")
FROM "workflow_runs" GROUP BY 1, 2, 3;
DELETE FROM "kwp_ai_call_total_changes";
DELETE FROM "kwp_ai_call_totals";
INSERT INTO "kwp_ai_call_totals" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
SELECT to_char("createdAt", 'YYYY-MM-DD'), "modelKey", count(*), sum("inputTokens"), sum("outputTokens"), sum("cost")
FROM "ai_calls" GROUP BY 1, 2;
