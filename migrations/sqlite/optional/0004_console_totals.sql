-- kysely-workflow-persistence · SQLite · optional/0004_console_totals
--
-- NOT part of the Prisma schema; applied by migrateToLatest() by default, except on a
-- database managed by Prisma. Without it everything reads the same, from the tables.
--
-- Why: the console's costs over a long range and /metrics summed every run and AI call
-- on every request: on 1,000,000 runs and 200,000 AI calls, costs over 365 days took
-- 4.4 s and /metrics 236 ms. These tables keep the sums per UTC day of creation (runs
-- per workflow and status; AI calls per model), so such a read adds up a few rows a
-- day, and the hours at the ends of a range come from the tables' own indexes.
--
-- How: triggers add each change to its day's row as it is written (+1 run on insert,
-- -1 for the old row and +1 for the new one when a run's status, cost, tokens,
-- workflow or creation time changes; the same for AI calls). SQLite has one writer at
-- a time, so no writer waits on another for a total (PostgreSQL appends changes
-- instead). Whoever writes (this library, Prisma, sqlite3) is counted.
--
-- Applied again after a contract upgrade (which rebuilds tables and drops their
-- triggers), it recounts everything from the tables.

CREATE TABLE IF NOT EXISTS "kwp_run_totals" (
    "day"        TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "status"     TEXT NOT NULL,
    "runs"       INTEGER NOT NULL,
    "cost"       REAL NOT NULL,
    "tokens"     INTEGER NOT NULL,
    PRIMARY KEY ("day", "workflowId", "status")
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS "kwp_ai_call_totals" (
    "day"          TEXT NOT NULL,
    "modelKey"     TEXT NOT NULL,
    "calls"        INTEGER NOT NULL,
    "inputTokens"  INTEGER NOT NULL,
    "outputTokens" INTEGER NOT NULL,
    "cost"         REAL NOT NULL,
    PRIMARY KEY ("day", "modelKey")
) WITHOUT ROWID;

-- The day of a stored time: canonical text starts with it; Prisma may store epoch milliseconds.
DROP TRIGGER IF EXISTS "workflow_runs_kwp_totals_insert";
DROP TRIGGER IF EXISTS "workflow_runs_kwp_totals_update";
DROP TRIGGER IF EXISTS "workflow_runs_kwp_totals_delete";
CREATE TRIGGER "workflow_runs_kwp_totals_insert" AFTER INSERT ON "workflow_runs"
BEGIN
    INSERT INTO "kwp_run_totals" ("day", "workflowId", "status", "runs", "cost", "tokens")
    VALUES (CASE WHEN typeof(NEW."createdAt") = 'integer' THEN strftime('%Y-%m-%d', NEW."createdAt" / 1000, 'unixepoch') ELSE substr(NEW."createdAt", 1, 10) END,
            NEW."workflowId", NEW."status", 1, NEW."totalCost", NEW."totalTokens")
    ON CONFLICT ("day", "workflowId", "status") DO UPDATE
        SET "runs" = "runs" + excluded."runs", "cost" = "cost" + excluded."cost", "tokens" = "tokens" + excluded."tokens";
END;
CREATE TRIGGER "workflow_runs_kwp_totals_update" AFTER UPDATE OF "status", "totalCost", "totalTokens", "workflowId", "createdAt" ON "workflow_runs"
WHEN OLD."status" IS NOT NEW."status" OR OLD."totalCost" IS NOT NEW."totalCost" OR OLD."totalTokens" IS NOT NEW."totalTokens"
    OR OLD."workflowId" IS NOT NEW."workflowId" OR OLD."createdAt" IS NOT NEW."createdAt"
BEGIN
    INSERT INTO "kwp_run_totals" ("day", "workflowId", "status", "runs", "cost", "tokens")
    VALUES (CASE WHEN typeof(OLD."createdAt") = 'integer' THEN strftime('%Y-%m-%d', OLD."createdAt" / 1000, 'unixepoch') ELSE substr(OLD."createdAt", 1, 10) END,
            OLD."workflowId", OLD."status", -1, -OLD."totalCost", -OLD."totalTokens")
    ON CONFLICT ("day", "workflowId", "status") DO UPDATE
        SET "runs" = "runs" + excluded."runs", "cost" = "cost" + excluded."cost", "tokens" = "tokens" + excluded."tokens";
    INSERT INTO "kwp_run_totals" ("day", "workflowId", "status", "runs", "cost", "tokens")
    VALUES (CASE WHEN typeof(NEW."createdAt") = 'integer' THEN strftime('%Y-%m-%d', NEW."createdAt" / 1000, 'unixepoch') ELSE substr(NEW."createdAt", 1, 10) END,
            NEW."workflowId", NEW."status", 1, NEW."totalCost", NEW."totalTokens")
    ON CONFLICT ("day", "workflowId", "status") DO UPDATE
        SET "runs" = "runs" + excluded."runs", "cost" = "cost" + excluded."cost", "tokens" = "tokens" + excluded."tokens";
END;
CREATE TRIGGER "workflow_runs_kwp_totals_delete" AFTER DELETE ON "workflow_runs"
BEGIN
    INSERT INTO "kwp_run_totals" ("day", "workflowId", "status", "runs", "cost", "tokens")
    VALUES (CASE WHEN typeof(OLD."createdAt") = 'integer' THEN strftime('%Y-%m-%d', OLD."createdAt" / 1000, 'unixepoch') ELSE substr(OLD."createdAt", 1, 10) END,
            OLD."workflowId", OLD."status", -1, -OLD."totalCost", -OLD."totalTokens")
    ON CONFLICT ("day", "workflowId", "status") DO UPDATE
        SET "runs" = "runs" + excluded."runs", "cost" = "cost" + excluded."cost", "tokens" = "tokens" + excluded."tokens";
END;

DROP TRIGGER IF EXISTS "ai_calls_kwp_totals_insert";
DROP TRIGGER IF EXISTS "ai_calls_kwp_totals_update";
DROP TRIGGER IF EXISTS "ai_calls_kwp_totals_delete";
CREATE TRIGGER "ai_calls_kwp_totals_insert" AFTER INSERT ON "ai_calls"
BEGIN
    INSERT INTO "kwp_ai_call_totals" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
    VALUES (CASE WHEN typeof(NEW."createdAt") = 'integer' THEN strftime('%Y-%m-%d', NEW."createdAt" / 1000, 'unixepoch') ELSE substr(NEW."createdAt", 1, 10) END,
            NEW."modelKey", 1, NEW."inputTokens", NEW."outputTokens", NEW."cost")
    ON CONFLICT ("day", "modelKey") DO UPDATE
        SET "calls" = "calls" + excluded."calls", "inputTokens" = "inputTokens" + excluded."inputTokens",
            "outputTokens" = "outputTokens" + excluded."outputTokens", "cost" = "cost" + excluded."cost";
END;
CREATE TRIGGER "ai_calls_kwp_totals_update" AFTER UPDATE OF "modelKey", "inputTokens", "outputTokens", "cost", "createdAt" ON "ai_calls"
BEGIN
    INSERT INTO "kwp_ai_call_totals" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
    VALUES (CASE WHEN typeof(OLD."createdAt") = 'integer' THEN strftime('%Y-%m-%d', OLD."createdAt" / 1000, 'unixepoch') ELSE substr(OLD."createdAt", 1, 10) END,
            OLD."modelKey", -1, -OLD."inputTokens", -OLD."outputTokens", -OLD."cost")
    ON CONFLICT ("day", "modelKey") DO UPDATE
        SET "calls" = "calls" + excluded."calls", "inputTokens" = "inputTokens" + excluded."inputTokens",
            "outputTokens" = "outputTokens" + excluded."outputTokens", "cost" = "cost" + excluded."cost";
    INSERT INTO "kwp_ai_call_totals" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
    VALUES (CASE WHEN typeof(NEW."createdAt") = 'integer' THEN strftime('%Y-%m-%d', NEW."createdAt" / 1000, 'unixepoch') ELSE substr(NEW."createdAt", 1, 10) END,
            NEW."modelKey", 1, NEW."inputTokens", NEW."outputTokens", NEW."cost")
    ON CONFLICT ("day", "modelKey") DO UPDATE
        SET "calls" = "calls" + excluded."calls", "inputTokens" = "inputTokens" + excluded."inputTokens",
            "outputTokens" = "outputTokens" + excluded."outputTokens", "cost" = "cost" + excluded."cost";
END;
CREATE TRIGGER "ai_calls_kwp_totals_delete" AFTER DELETE ON "ai_calls"
BEGIN
    INSERT INTO "kwp_ai_call_totals" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
    VALUES (CASE WHEN typeof(OLD."createdAt") = 'integer' THEN strftime('%Y-%m-%d', OLD."createdAt" / 1000, 'unixepoch') ELSE substr(OLD."createdAt", 1, 10) END,
            OLD."modelKey", -1, -OLD."inputTokens", -OLD."outputTokens", -OLD."cost")
    ON CONFLICT ("day", "modelKey") DO UPDATE
        SET "calls" = "calls" + excluded."calls", "inputTokens" = "inputTokens" + excluded."inputTokens",
            "outputTokens" = "outputTokens" + excluded."outputTokens", "cost" = "cost" + excluded."cost";
END;

-- Counted from the tables, in the migration's transaction.
DELETE FROM "kwp_run_totals";
INSERT INTO "kwp_run_totals" ("day", "workflowId", "status", "runs", "cost", "tokens")
SELECT CASE WHEN typeof("createdAt") = 'integer' THEN strftime('%Y-%m-%d', "createdAt" / 1000, 'unixepoch') ELSE substr("createdAt", 1, 10) END AS "d",
       "workflowId", "status", count(*), sum("totalCost"), sum("totalTokens")
FROM "workflow_runs" GROUP BY "d", "workflowId", "status";
DELETE FROM "kwp_ai_call_totals";
INSERT INTO "kwp_ai_call_totals" ("day", "modelKey", "calls", "inputTokens", "outputTokens", "cost")
SELECT CASE WHEN typeof("createdAt") = 'integer' THEN strftime('%Y-%m-%d', "createdAt" / 1000, 'unixepoch') ELSE substr("createdAt", 1, 10) END AS "d",
       "modelKey", count(*), sum("inputTokens"), sum("outputTokens"), sum("cost")
FROM "ai_calls" GROUP BY "d", "modelKey";
