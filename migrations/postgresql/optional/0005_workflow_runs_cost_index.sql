-- kysely-workflow-persistence · PostgreSQL · optional/0005_workflow_runs_cost_index
--
-- NOT part of the Prisma schema; applied by migrateToLatest() by default, except on a
-- database managed by Prisma.
--
-- Why: the console's costs (getCosts by day or by workflow over a time range) sum
-- "totalCost" and "totalTokens" of the runs created in the range. With the engine's
-- indexes that is a bitmap scan of the range and a heap read per run; with the
-- summed and grouped columns INCLUDEd it is an index-only scan once the table is
-- vacuumed.
--
-- Measured through the read port (PostgreSQL 15, 2 vCPU), 1,000,000 runs over 89 days,
-- median of 15:
--     read                                   engine indexes only     with this index
--     costs by day, last 7 days (~79k runs)        28 ms                  22 ms
--     costs by workflow, last day (~11k runs)      3.8 ms                 2.7 ms
CREATE INDEX IF NOT EXISTS "workflow_runs_createdAt_costs_idx"
    ON "workflow_runs" ("createdAt") INCLUDE ("totalCost", "totalTokens", "workflowId");
