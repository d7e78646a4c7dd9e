-- kysely-workflow-persistence · SQLite · optional/0001_job_queue_pending_claim_index
--
-- NOT part of the Prisma schema. migrateToLatest() applies it by default, except on a
-- database adopted from Prisma (where `prisma migrate` would report it as drift):
-- Prisma users add `@@index([status, priority(sort: Desc), createdAt])` to the
-- JobQueue model instead.
--
-- Why: the claim query filters on "status" = 'PENDING' and orders by
-- "priority" DESC, "createdAt", "id". With only the spec's ("status", "nextPollAt")
-- index SQLite finds the pending rows and then sorts them all in a temporary B-tree
-- on every claim. This partial index holds only pending rows in claim order.
--
-- Measured with the sqlite3 shell (SQLite 3.40, 2 vCPU), one claim SELECT, median
-- of 3, with as many COMPLETED rows as PENDING ones in the table:
--     pending jobs    spec indexes only               with this index
--            1,000     0.2 ms (temp B-tree sort)        0.03 ms
--          100,000      19 ms                           0.04 ms
--        1,000,000     170 ms                           0.03 ms
--
-- "status" leads the column list although the index only holds PENDING rows: without
-- ANALYZE statistics SQLite's planner prefers an index that matches the equality on
-- "status", and would pick the spec's index (and sort) over a partial index that
-- only matches the ORDER BY. The claim query writes 'PENDING' as a literal, because
-- SQLite uses a partial index only when the WHERE clause visibly implies its condition.
CREATE INDEX IF NOT EXISTS "job_queue_pending_claim_idx"
    ON "job_queue" ("status", "priority" DESC, "createdAt", "id")
    WHERE "status" = 'PENDING';
