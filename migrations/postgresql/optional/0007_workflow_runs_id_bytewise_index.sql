-- kysely-workflow-persistence · PostgreSQL · optional/0007_workflow_runs_id_bytewise_index
--
-- NOT part of the Prisma schema; applied by migrateToLatest() by default, except on a
-- database managed by Prisma (`kwp prisma-migration` writes it as a Prisma migration).
--
-- Why: the inspector finds runs by the first characters of their id
-- (findRunsByIdPrefix): WHERE "id" COLLATE "C" >= $1 AND "id" COLLATE "C" < $2
-- ORDER BY "id" COLLATE "C" LIMIT 21. The primary key orders ids by the database's
-- collation, in which a prefix is not a range (en_US ignores punctuation such as the
-- hyphens of a UUID at first), so every run would be read and sorted. This index
-- orders them byte by byte: the read is a range that stops at the limit, however many
-- runs share the prefix. (SQLite's primary key already compares bytes.)
CREATE INDEX IF NOT EXISTS "workflow_runs_id_bytewise_idx"
    ON "workflow_runs" ("id" COLLATE "C");
